import PushgateCore

/// Checks a `jobs.create` body the way the Cloud Run v2 API does for the fields pushgate sends:
/// required fields, types, proto3-JSON forms and label rules (docs/provider-apis.md §3.1, §3.2). Returns the
/// first problem as Google's INVALID_ARGUMENT message, or nil.
package enum CloudRunJobBodyCheck {
    static let jobKeys: Set<String> = [
        "name", "labels", "annotations", "client", "clientVersion", "launchStage", "binaryAuthorization", "template",
        "startExecutionToken", "runExecutionToken", "etag", "description",
    ]
    static let executionTemplateKeys: Set<String> = ["labels", "annotations", "parallelism", "taskCount", "template"]
    static let taskTemplateKeys: Set<String> = [
        "containers", "volumes", "maxRetries", "timeout", "serviceAccount", "executionEnvironment", "encryptionKey",
        "vpcAccess", "nodeSelector", "gpuZonalRedundancyDisabled",
    ]
    static let containerKeys: Set<String> = [
        "name", "image", "command", "args", "env", "resources", "ports", "volumeMounts", "workingDir", "livenessProbe",
        "startupProbe", "dependsOn", "baseImageUri",
    ]

    /// `jobId`: lowercase letters, digits and `-`, starting with a letter, not ending in `-`, ≤ 63.
    package static func isValidJobID(_ id: String) -> Bool {
        guard let first = id.first, first.isASCII, first.isLowercase, id.count <= 63, id.last != "-" else { return false }
        return id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    package static func problem(in body: JSONValue) -> String? {
        guard let job = body.objectValue else { return "Invalid JSON payload received. The body must be a Job object." }
        if let unknown = job.keys.sorted().first(where: { !jobKeys.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\": Cannot find field."
        }
        if let problem = labelProblem(job["labels"], field: "job.labels") { return problem }
        guard let execution = job["template"]?.objectValue else { return "job.template: Field is required." }
        if let unknown = execution.keys.sorted().first(where: { !executionTemplateKeys.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\" at 'job.template': Cannot find field."
        }
        if let problem = labelProblem(execution["labels"], field: "job.template.labels") { return problem }
        if let count = execution["taskCount"], count.intValue == nil { return "job.template.task_count: must be an integer." }
        guard let task = execution["template"]?.objectValue else { return "job.template.template: Field is required." }
        if let unknown = task.keys.sorted().first(where: { !taskTemplateKeys.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\" at 'job.template.template': Cannot find field."
        }
        if let retries = task["maxRetries"], retries.intValue == nil {
            return "Invalid value at 'job.template.template.max_retries' (TYPE_INT32): \(retries.serialized())"
        }
        if let timeout = task["timeout"] {
            guard let text = timeout.stringValue, text.hasSuffix("s"), Double(text.dropLast()) != nil else {
                return "Invalid value at 'job.template.template.timeout' (type.googleapis.com/google.protobuf.Duration): \(timeout.serialized())"
            }
        }
        if let vpc = task["vpcAccess"], vpc["connector"]?.stringValue == nil, vpc["networkInterfaces"] == nil {
            return "job.template.template.vpc_access: connector or network_interfaces is required."
        }
        guard let containers = task["containers"]?.arrayValue, !containers.isEmpty else {
            return "job.template.template.containers: at least one container is required."
        }
        for (index, container) in containers.enumerated() {
            if let problem = containerProblem(container, field: "job.template.template.containers[\(index)]") { return problem }
        }
        return nil
    }

    static func containerProblem(_ value: JSONValue, field: String) -> String? {
        guard let container = value.objectValue else { return "\(field): must be a Container object." }
        if let unknown = container.keys.sorted().first(where: { !containerKeys.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\" at '\(field)': Cannot find field."
        }
        guard let image = container["image"]?.stringValue, !image.isEmpty else { return "\(field).image: Field is required." }
        for key in ["command", "args"] {
            if let list = container[key], list.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
                return "Invalid value at '\(field).\(key)' (TYPE_STRING): expected a list of strings"
            }
        }
        for (index, item) in (container["env"]?.arrayValue ?? []).enumerated() {
            let place = "\(field).env[\(index)]"
            guard let name = item["name"]?.stringValue, !name.isEmpty else { return "\(place).name: Field is required." }
            if let value = item["value"] {
                if value.stringValue == nil { return "Invalid value at '\(place).value' (TYPE_STRING): \(value.serialized())" }
                if item["valueSource"] != nil { return "\(place): value and value_source are mutually exclusive." }
            } else if let source = item["valueSource"] {
                guard source.member(at: "secretKeyRef", "secret")?.stringValue != nil else {
                    return "\(place).value_source.secret_key_ref.secret: Field is required."
                }
            }
        }
        if container["env"] != nil, container["env"]?.arrayValue == nil { return "\(field).env: must be a list." }
        if let limits = container["resources"]?["limits"] {
            guard let map = limits.objectValue, map.values.allSatisfy({ $0.stringValue != nil }) else {
                return "Invalid value at '\(field).resources.limits': values must be strings"
            }
            if let unsupported = map.keys.sorted().first(where: { !["cpu", "memory", "nvidia.com/gpu"].contains($0) }) {
                return "\(field).resources.limits: unsupported resource \"\(unsupported)\""
            }
        }
        return nil
    }

    /// Label keys start with a lowercase letter; keys and values use lowercase letters, digits, `_`, `-`; ≤ 63; ≤ 64 labels.
    static func labelProblem(_ value: JSONValue?, field: String) -> String? {
        guard let value else { return nil }
        guard let labels = value.objectValue else { return "\(field): must be a map." }
        if labels.count > 64 { return "\(field): at most 64 labels are allowed." }
        func valid(_ text: String) -> Bool {
            text.count <= 63 && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
        }
        for (key, item) in labels.sorted(by: { $0.key < $1.key }) {
            guard let text = item.stringValue else { return "\(field)[\(key)]: label values must be strings." }
            guard let first = key.first, first.isLowercase, valid(key), valid(text) else {
                return
                    "\(field): label \"\(key)\": keys and values must be lowercase letters, digits, '_' or '-', keys must start with a letter, at most 63 characters."
            }
        }
        return nil
    }
}
