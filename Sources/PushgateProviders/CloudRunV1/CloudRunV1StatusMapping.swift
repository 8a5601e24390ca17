import PushgateCore

/// Maps a Cloud Run V1 `Execution`'s `status` to a run state (docs/provider-apis.md §8.4). Pure.
///
/// Prefect's V1 worker (prefect-gcp 0.6.22 `utilities.py` `Execution.is_running` / `succeeded` /
/// `condition_after_completion`, and `workers/cloud_run.py` `_watch_job_execution_and_get_result`)
/// watches until `completionTime` is set, then reads the `Completed` condition: `status: "True"` is
/// exit 0, anything else exit 1 with the condition's `message`; a 404 while watching is exit -1; and a
/// job whose `Ready` condition fails with `ContainerMissing` is raised at submission. pushgate keeps that
/// shape and tells the non-successes apart with the conditions Cloud Run sets: a task that failed
/// (`failedCount`, the user's non-zero exit) or timed out is Failed; an image that is not found or capacity
/// or quota that is not available (`ResourcesAvailable` false, a quota message) is Crashed with the
/// message, since the workload never ran; a cancelled execution is Cancelled after pushgate's cancel.
package enum CloudRunV1StatusMapping {
    /// The state of an Execution (`status` read from it).
    package static func status(execution: JSONValue, cancelRequested: Bool) -> ProviderStatus {
        let status = execution["status"] ?? [:]
        let conditions = status["conditions"]?.arrayValue ?? []
        func condition(_ type: String) -> JSONValue? { conditions.first { $0["type"]?.stringValue == type } }
        let completed = condition("Completed")
        let resources = condition("ResourcesAvailable")
        guard status.nonEmptyString("completionTime") != nil else {
            if condition("Started")?["status"]?.stringValue == "True" || (status.protoInteger("runningCount") ?? 0) > 0 {
                return ProviderStatus(.running)
            }
            return ProviderStatus(.pending, reason: resources?["status"]?.stringValue == "False" ? describe(resources) : nil)
        }
        if completed?["status"]?.stringValue == "True" { return ProviderStatus(.completed, exitCode: 0, reason: completed?["message"]?.stringValue) }
        let reason = completed?["reason"]?.stringValue ?? ""
        let message = completed?["message"]?.stringValue ?? ""
        if (status.protoInteger("cancelledCount") ?? 0) > 0 || reason.lowercased().contains("cancel") {
            if cancelRequested { return ProviderStatus(.cancelled, reason: message.isEmpty ? "cancelled by the gateway" : message) }
            return ProviderStatus(
                .crashed,
                reason: "the execution was cancelled without a cancel from the gateway" + (message.isEmpty ? "" : ": \(message)")
            )
        }
        if let infrastructure = infrastructureFailure(completed: completed, resources: resources) {
            return ProviderStatus(.crashed, reason: infrastructure)
        }
        let text = (reason + " " + message).lowercased()
        if text.contains("timed out") || text.contains("timeout") || text.contains("deadline") {
            return ProviderStatus(.failed, reason: describe(completed) ?? "the task timed out")
        }
        if (status.protoInteger("failedCount") ?? 0) > 0 || reason == "NonZeroExitCode" || text.contains("exit code") {
            return ProviderStatus(.failed, exitCode: exitCode(in: message) ?? 1, reason: describe(completed) ?? "non-zero exit code")
        }
        return ProviderStatus(.crashed, reason: describe(completed) ?? "the execution completed without succeeding")
    }

    /// An image that is not found or capacity/quota that is not available: the workload never ran.
    static func infrastructureFailure(completed: JSONValue?, resources: JSONValue?) -> String? {
        if resources?["status"]?.stringValue == "False" { return describe(resources) ?? "resources are not available" }
        let reason = completed?["reason"]?.stringValue ?? ""
        let message = (completed?["message"]?.stringValue ?? "").lowercased()
        let imageMissing =
            ["ContainerMissing", "ImageNotFound", "ImagePullFailure"].contains(reason)
            || (message.contains("image") && message.contains("not found"))
        let quota = reason.lowercased().contains("quota") || message.contains("quota") || message.contains("resources unavailable")
        return imageMissing || quota ? describe(completed) : nil
    }

    /// The job's `Ready` condition says it can never run (`ContainerMissing`, Prefect's
    /// `Job._is_missing_container`): the submission crashed with the message.
    package static func jobNotReady(_ job: JSONValue) -> ProviderStatus? {
        let ready = (job["status"]?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        guard let ready, ready["status"]?.stringValue == "False" else { return nil }
        return ProviderStatus(.crashed, reason: describe(ready) ?? "the job is not ready")
    }

    /// Whether the job's `Ready` condition is `True`.
    package static func isReady(_ job: JSONValue) -> Bool {
        (job["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
    }

    /// `reason: message` of a condition.
    static func describe(_ condition: JSONValue?) -> String? {
        let parts = [condition?["reason"]?.stringValue, condition?["message"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    /// The number after "exit code" in a message ("Task ... failed with exit code 3"), if any.
    static func exitCode(in message: String) -> Int? {
        guard let range = message.range(of: "exit code") else { return nil }
        return Int(message[range.upperBound...].drop { !$0.isNumber }.prefix { $0.isNumber })
    }
}
