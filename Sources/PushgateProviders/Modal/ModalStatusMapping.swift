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

    /// The status name plus the start of Modal's exception text (user output, never a credential).
    private static func reason(_ head: String, _ exception: String) -> String {
        let trimmed = exception.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return head }
        return head + ": " + (trimmed.count > 300 ? String(trimmed.prefix(300)) + "…" : trimmed)
    }
}
