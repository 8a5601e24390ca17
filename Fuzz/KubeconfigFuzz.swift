import Foundation
import PushgateProviders

// libFuzzer entry: any bytes as a kubeconfig, YAML or JSON (KubeconfigFile.parse), with the current context and
// with a named one, and as YAML alone (KubeconfigYAML). Nothing may crash or hang; a refusal is fine. Built by
// scripts/fuzz.sh as a module of its own over PushgateProviders, PushgateSigning and PushgateCore.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    _ = try? KubeconfigYAML.parse(text, path: "/fuzz/config")
    _ = try? KubeconfigFile.parse(text, path: "/fuzz/config", context: nil)
    _ = try? KubeconfigFile.parse(text, path: "/fuzz/config", context: "default")
    return 0
}
