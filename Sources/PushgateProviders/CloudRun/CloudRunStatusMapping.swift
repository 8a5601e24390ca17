import PushgateCore

/// Maps a Cloud Run v2 `Execution` to a run state (docs/provider-apis.md §1.4 and §3.4 "Mapping"). Pure:
/// the gateway's own cancel request is an input, because Cloud Run reports a user cancel the same way
/// whoever asked.
package enum CloudRunStatusMapping {
    /// Reasons that mean the task ran out of time: the user's workload failed (§3.4 "Timeouts").
    static let timeoutReasons: Set<String> = ["DEADLINE_EXCEEDED", "TIMEOUT", "TASK_TIMEOUT"]

    /// The state of `execution`; `exitCode` is the first task's `lastAttemptResult.exitCode` when known.
    package static func status(execution: JSONValue, cancelRequested: Bool, exitCode: Int? = nil) -> ProviderStatus {
        let completed = (execution["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Completed" }
        let executionReason = completed?["executionReason"]?.stringValue
        let message = completed?["message"]?.stringValue
        guard execution.nonEmptyString("completionTime") != nil else {
            if execution.nonEmptyString("startTime") != nil || (execution.protoInteger("runningCount") ?? 0) > 0 {
                return ProviderStatus(.running, reason: executionReason == "CANCELLING" ? "cancelling" : nil)
            }
            return ProviderStatus(.pending)
        }
        let state = completed?["state"]?.stringValue
        if state == "CONDITION_SUCCEEDED" { return ProviderStatus(.completed, exitCode: 0, reason: message) }
        if executionReason == "CANCELLED" || executionReason == "DELETED" || (execution.protoInteger("cancelledCount") ?? 0) > 0 {
            return stopped(
                cancelRequested: cancelRequested,
                what: "the execution was \(executionReason == "DELETED" ? "deleted" : "cancelled")",
                message: message
            )
        }
        if state == "CONDITION_FAILED" {
            if executionReason == "NON_ZERO_EXIT_CODE" {
                return ProviderStatus(.failed, exitCode: exitCode ?? 1, reason: message ?? "non-zero exit code")
            }
            let reason = executionReason ?? completed?["reason"]?.stringValue ?? "UNKNOWN"
            if timeoutReasons.contains(reason) || (message?.lowercased().contains("timed out") ?? false) {
                return ProviderStatus(.failed, exitCode: exitCode, reason: message ?? reason)
            }
            return ProviderStatus(.crashed, exitCode: exitCode, reason: [reason, message].compactMap { $0 }.joined(separator: ": "))
        }
        // Completed without a Completed condition: trust the counts.
        let taskCount = execution.protoInteger("taskCount") ?? 1
        if (execution.protoInteger("succeededCount") ?? 0) >= taskCount { return ProviderStatus(.completed, exitCode: 0) }
        return ProviderStatus(.crashed, reason: "the execution completed without a Completed condition")
    }

    /// The job or execution is proven gone (a 404 and a second look agreeing, §3.4): ours to cancel →
    /// Cancelled, otherwise lost → Crashed. `detail` says what was seen.
    package static func missing(cancelRequested: Bool, what: String, detail: String? = nil) -> ProviderStatus {
        if cancelRequested {
            return ProviderStatus(.cancelled, reason: "cancelled by the gateway" + (detail.map { "; \(what) no longer exists: \($0)" } ?? ""))
        }
        return stopped(cancelRequested: false, what: "\(what) no longer exists", message: detail)
    }

    /// The job's Ready condition failed (for example CONTAINER_MISSING): the submission crashed.
    package static func jobNotReady(_ job: JSONValue) -> ProviderStatus? {
        guard let condition = job["terminalCondition"], condition["state"]?.stringValue == "CONDITION_FAILED" else {
            return nil
        }
        let reason = condition["reason"]?.stringValue ?? "UNKNOWN"
        return ProviderStatus(.crashed, reason: [reason, condition["message"]?.stringValue].compactMap { $0 }.joined(separator: ": "))
    }

    private static func stopped(cancelRequested: Bool, what: String, message: String?) -> ProviderStatus {
        if cancelRequested { return ProviderStatus(.cancelled, reason: message ?? "cancelled by the gateway") }
        return ProviderStatus(.crashed, reason: "\(what) without a cancel from the gateway" + (message.map { ": \($0)" } ?? ""))
    }
}
