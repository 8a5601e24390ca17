import Foundation

// libFuzzer entry: any bytes as a base job template (parse + structural validation); a template that is
// accepted is then rendered with no job variables and checked against every provider type's required keys.
// Nothing may crash or hang. Built into the PushgateCore module by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBaseJobTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let template = try? BaseJobTemplate(data: bytes, file: "fuzz") else { return 0 }
    _ = try? template.render(deployment: .init(nil, name: "deployment"), run: .init(nil, name: "run"), requireAll: false)
    _ = template.secretValues(deployment: .init(nil, name: "deployment"), run: .init(nil, name: "run"))
    return 0
}
