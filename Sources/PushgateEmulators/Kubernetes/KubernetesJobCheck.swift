import PushgateCore

/// The create-time checks the API server's validation and strict field decoding make on the fields pushgate
/// sends (docs/provider-apis.md §10.6): kind and version, a DNS-1123 name in the URL's namespace, no unknown
/// top-level fields, containers with a name and an image, and a restart policy a Job allows.
enum KubernetesJobCheck {
    static func problem(_ body: JSONValue, namespace: String) -> String? {
        let allowedTop: Set<String> = ["apiVersion", "kind", "metadata", "spec", "status"]
        if let unknown = body.objectValue?.keys.first(where: { !allowedTop.contains($0) }) {
            return "strict decoding error: unknown field \"\(unknown)\""
        }
        guard body["apiVersion"]?.stringValue == "batch/v1", body["kind"]?.stringValue == "Job" else {
            return "apiVersion/kind: must be batch/v1 Job"
        }
        let name = body.member(at: "metadata", "name")?.stringValue ?? ""
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        if name.isEmpty || name.count > 63 || !name.allSatisfy(allowed.contains) || name.hasPrefix("-") || name.hasSuffix("-") {
            return "metadata.name: Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"
        }
        if let given = body.member(at: "metadata", "namespace")?.stringValue, given != namespace {
            return "metadata.namespace: Invalid value: \"\(given)\": does not match the namespace of the request"
        }
        let pod = body.member(at: "spec", "template", "spec")
        let containers = pod?["containers"]?.arrayValue ?? []
        if containers.isEmpty { return "spec.template.spec.containers: Required value" }
        for (index, container) in containers.enumerated() {
            if (container["name"]?.stringValue ?? "").isEmpty { return "spec.template.spec.containers[\(index)].name: Required value" }
            if (container["image"]?.stringValue ?? "").isEmpty { return "spec.template.spec.containers[\(index)].image: Required value" }
            if let env = container["env"], env.arrayValue == nil { return "spec.template.spec.containers[\(index)].env: must be a list" }
            if let args = container["args"], args.arrayValue == nil { return "spec.template.spec.containers[\(index)].args: must be a list" }
        }
        let restart = pod?["restartPolicy"]?.stringValue ?? "Always"
        if restart != "Never" && restart != "OnFailure" {
            return "spec.template.spec.restartPolicy: Unsupported value: \"\(restart)\": supported values: \"OnFailure\", \"Never\""
        }
        return nil
    }
}
