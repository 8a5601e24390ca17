import Foundation
import PushgateCore
import PushgateProviders

// libFuzzer entry: any bytes as a credentials file with every section kind the shipped providers declare
// (the registry's list; the registry itself links the emulators, which this build leaves out). A file that
// parses is then asked for each profile's secret values and problems. Nothing may crash or hang. Built
// by scripts/fuzz.sh as a module of its own over PushgateProviders, PushgateSigning and PushgateCore.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCredentialsFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    let kinds: [CredentialProfileKind] = [.aws, .gcp, .azure, .modal, .docker, .kubernetes]
    guard let file = try? CredentialsFile(parsing: text, path: "fuzz.ini", kinds: kinds) else { return 0 }
    for kind in file.kindsPresent {
        for name in file.names(of: kind) {
            _ = file.secretValues(kind: kind, profile: name)
            _ = file.problem(kind: kind, profile: name)
        }
    }
    return 0
}
