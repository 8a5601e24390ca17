import Foundation

// libFuzzer entry: any bytes through the JSON parser, then (when they parse) serialised and parsed again,
// which must give the same value. Built into the PushgateCore module by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    guard let again = try? JSONValue.parse(Data(value.serialized().utf8)), again == value else {
        fatalError("JSON round trip changed the value")
    }
    return 0
}
