import Foundation
import PushgateCore

/// Checks a `customJobs.create` body as the real API does before it accepts it, from the `aiplatform.v1`
/// discovery document's `GoogleCloudAiplatformV1CustomJob` (docs/provider-apis.md §9.6): no unknown
/// field (proto3 JSON refuses them), `displayName`, a first worker pool with `machineSpec.machineType`, a
/// `containerSpec.imageUri` (or a `pythonPackageSpec`) and a positive `replicaCount`, and the label rules.
/// The messages are the API's: `Unknown name "…" at '…': Cannot find field.` and `List of found errors:`.
enum VertexCustomJobCheck {
    /// The fields each checked message has (output-only ones are accepted and ignored on create).
    static let fields: [String: Set<String>] = [
        "custom_job": [
            "createTime", "displayName", "encryptionSpec", "endTime", "error", "jobSpec", "labels", "name", "satisfiesPzi",
            "satisfiesPzs", "startTime", "state", "updateTime", "webAccessUris",
        ],
        "job_spec": [
            "baseOutputDirectory", "enableDashboardAccess", "enableWebAccess", "experiment", "experimentRun", "models", "network",
            "persistentResourceId", "protectedArtifactLocationId", "pscInterfaceConfig", "reservedIpRanges", "scheduling",
            "serviceAccount", "tensorboard", "workerPoolSpecs",
        ],
        "worker_pool_specs": ["containerSpec", "diskSpec", "lustreMounts", "machineSpec", "nfsMounts", "pythonPackageSpec", "replicaCount"],
        "machine_spec": ["acceleratorCount", "acceleratorType", "gpuPartitionSize", "machineType", "reservationAffinity", "tpuTopology"],
        "container_spec": ["args", "command", "env", "imageUri"],
        "disk_spec": ["bootDiskSizeGb", "bootDiskType"],
        "scheduling": ["disableRetries", "maxWaitDuration", "restartJobOnWorkerRestart", "strategy", "timeout"],
        "env": ["name", "value"],
    ]

    /// The 400 INVALID_ARGUMENT message for `body`, nil when the API would accept it.
    static func problem(_ body: JSONValue) -> String? {
        guard let job = body.objectValue else { return "Invalid JSON payload received. Expected an object at 'custom_job'." }
        if let unknown = unknownField(job, message: "custom_job", at: "custom_job") { return unknown }
        var missing: [String] = []
        if job["displayName"]?.stringValue?.isEmpty ?? true { missing.append("display_name") }
        let pools = job["jobSpec"]?["workerPoolSpecs"]?.arrayValue ?? []
        if pools.isEmpty { missing.append("job_spec.worker_pool_specs") }
        for (index, pool) in pools.enumerated() {
            let path = "job_spec.worker_pool_specs[\(index)]"
            // Every pool but the first may be skipped by an empty value.
            if index > 0, pool.objectValue?.isEmpty ?? pool.isNull { continue }
            if pool["machineSpec"]?["machineType"]?.stringValue?.isEmpty ?? true { missing.append("\(path).machine_spec.machine_type") }
            if pool["pythonPackageSpec"] == nil, pool["containerSpec"]?["imageUri"]?.stringValue?.isEmpty ?? true {
                missing.append("\(path).container_spec.image_uri")
            }
            if positive(pool["replicaCount"]) == nil { missing.append("\(path).replica_count") }
        }
        if !missing.isEmpty {
            let items = missing.enumerated().map { "\($0.offset + 1).Field: \($0.element); Message: Required field is not set.\t" }
            return "List of found errors:\t" + items.joined()
        }
        for (key, value) in job["labels"]?.objectValue ?? [:] {
            guard let text = value.stringValue, validLabel(key, isKey: true), validLabel(text, isKey: false) else {
                return "List of found errors:\t1.Field: labels; Message: Label key and value can only contain lowercase letters, "
                    + "numeric characters, underscores and dashes, at most 64 characters, and keys must start with a letter.\t"
            }
        }
        return nil
    }

    /// `Unknown name "x" at 'custom_job.job_spec'…` for the first field the checked messages do not have.
    static func unknownField(_ object: [String: JSONValue], message: String, at path: String) -> String? {
        guard let known = fields[message] else { return nil }
        for key in object.keys.sorted() {
            guard known.contains(key) else {
                return "Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field."
            }
            let child = snakeCased(key)
            switch object[key] ?? .null {
            case .object(let members):
                if let found = unknownField(members, message: child, at: "\(path).\(child)") { return found }
            case .array(let items):
                for (index, item) in items.enumerated() {
                    if let members = item.objectValue, let found = unknownField(members, message: child, at: "\(path).\(child)[\(index)]") {
                        return found
                    }
                }
            default: break
            }
        }
        return nil
    }

    /// An int64 in proto3 JSON (a number or a decimal string) that is at least 1.
    static func positive(_ value: JSONValue?) -> Int64? {
        let number = value?.stringValue.flatMap { Int64($0) } ?? value?.intValue
        guard let number, number >= 1 else { return nil }
        return number
    }

    static func validLabel(_ text: String, isKey: Bool) -> Bool {
        guard text.count <= 64, !(isKey && text.isEmpty) else { return false }
        if isKey, let first = text.unicodeScalars.first, !("a"..."z").contains(first) { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    static func snakeCased(_ key: String) -> String {
        key.reduce(into: "") { out, character in
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
    }
}
