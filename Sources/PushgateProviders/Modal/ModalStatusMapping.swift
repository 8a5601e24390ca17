import Foundation
import PushgateCore

/// Maps what Modal reports about a sandbox to run states: the Modal column of docs/provider-apis.md §1.4 and
/// the table in §5.3. Pure, so every row is tested without a server.
package enum ModalStatusMapping {
    /// Exit codes modal-go gives results without one (`getReturnCode`): TIMEOUT → 124, TERMINATED → 137.
    package static let timeoutExitCode = 124
    package static let terminatedExitCode = 137

    /// - Parameters:
    ///   - result: `SandboxWait.result` (nil or UNSPECIFIED: not finished).
    ///   - taskStarted: a task id exists (SandboxGetTaskId) or `TaskInfo.started_at` is set.
    ///   - cancelRequested: the gateway called SandboxTerminate, so TERMINATED is Cancelled, not Crashed.
    ///
    /// TIMEOUT and IDLE_TIMEOUT are Failed: the run's own configured limit ended it, as a policy choice
    /// (§5.3 "Failed (timeout; policy choice)"), not an infrastructure fault.
    package static func status(result: ModalGenericResult?, taskStarted: Bool, cancelRequested: Bool) -> ProviderStatus {
        guard let result, result.isFinished else {
            return ProviderStatus(taskStarted ? .running : .pending)
        }
        let name = ModalGenericResult.Status.name(of: result.status)
        let detail = reason(name, result.exception)
        switch result.status {
        case ModalGenericResult.Status.success:
            if result.exitCode == 0 { return ProviderStatus(.completed, exitCode: 0, reason: detail) }
            return ProviderStatus(.failed, exitCode: result.exitCode, reason: detail)
        case ModalGenericResult.Status.failure:
            return ProviderStatus(.failed, exitCode: result.exitCode, reason: reason("\(name): exit code \(result.exitCode)", result.exception))
        case ModalGenericResult.Status.timeout, ModalGenericResult.Status.idleTimeout:
            return ProviderStatus(.failed, exitCode: timeoutExitCode, reason: detail)
        case ModalGenericResult.Status.terminated:
            if cancelRequested { return ProviderStatus(.cancelled, exitCode: terminatedExitCode, reason: detail) }
            return ProviderStatus(.crashed, exitCode: terminatedExitCode, reason: reason("\(name) (not requested by pushgate)", result.exception))
        default:
            // INIT_FAILURE, INTERNAL_FAILURE, the eviction and OOM kinds, and any status added later.
            return ProviderStatus(.crashed, exitCode: result.exitCode == 0 ? nil : result.exitCode, reason: detail)
        }
    }

    /// The lifetime counted for a sandbox created with `timeout_secs` 0 (unset). Assumption: the longest Modal
    /// allows a sandbox, 24 h. The server's default for 0 is not documented (the SDK sends 300 s itself), and
    /// counting too short a lifetime would end a run whose sandbox may still run.
    package static let defaultSandboxLifetime: TimeInterval = 86_400

    /// A sandbox the status reads answered NOT_FOUND for, as SandboxList by the run's tag shows it
    /// (`SandboxInfo.task_info`, docs/provider-apis.md §5.3 "Poll"): its result when it has one, else Running once
    /// its task started, else Pending.
    package static func status(listed info: ModalSandboxInfo, cancelRequested: Bool) -> ProviderStatus {
        let started = !info.taskID.isEmpty || info.startedAt > 0
        var status = status(result: info.result, taskStarted: started, cancelRequested: cancelRequested)
        if !status.state.isTerminal { status.reason = "status reads answer NOT_FOUND; SandboxList shows it " + (started ? "running" : "pending") }
        return status
    }

    /// A sandbox that neither the status reads nor SandboxList know (docs/provider-apis.md §5.3 "Poll"). Modal
    /// ends every sandbox at its lifetime (`timeout_secs`), so once `age` is past `lifetime` (plus the
    /// provider's margin, already in it) the workload has ended: Crashed, or Cancelled after pushgate's
    /// SandboxTerminate. Before that nothing proves it ended: Unconfirmed, so the run keeps its slot.
    package static func unlisted(sandboxID: String, age: TimeInterval, lifetime: TimeInterval, cancelRequested: Bool) -> ProviderStatus {
        guard age >= lifetime else {
            return ProviderStatus(
                .unconfirmed,
                reason: "Modal answers NOT_FOUND for sandbox \(sandboxID) and SandboxList does not show it, \(Int(age)) s after "
                    + "submission; it may run until \(Int(lifetime)) s"
            )
        }
        if cancelRequested {
            return ProviderStatus(.cancelled, reason: "sandbox \(sandboxID) no longer known to Modal after SandboxTerminate")
        }
        return ProviderStatus(
            .crashed,
            reason: "sandbox \(sandboxID) lost: Modal does not know it \(Int(age)) s after submission, past its \(Int(lifetime)) s lifetime"
        )
    }

    /// The status name plus the start of Modal's exception text (user output, never a credential).
    private static func reason(_ head: String, _ exception: String) -> String {
        let trimmed = exception.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return head }
        return head + ": " + (trimmed.count > 300 ? String(trimmed.prefix(300)) + "…" : trimmed)
    }
}
