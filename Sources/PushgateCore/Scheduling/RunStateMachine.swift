/// Which state changes a run may make (docs/design.md "States", docs/prefect-semantics.md §5.3): Scheduled (Late) →
/// Pending → Running → Completed | Failed | Crashed; Cancelling → Cancelled from any non-terminal state.
/// Terminal states never change.
package enum RunStateMachine {
    /// The verdict on a proposed transition.
    package enum Decision: Sendable, Hashable {
        case accept
        /// The run is already there; nothing to record (idempotent retries).
        case ignore
        case reject(String)
    }

    /// What a cancel request does to a run in `state`.
    package enum CancelAction: Sendable, Hashable {
        /// Nothing was started: cancel at once (Prefect's BypassCancellingFlowRunsWithNoInfra).
        case cancelNow
        /// Infrastructure may exist: mark Cancelling so the dispatcher stops it, then Cancelled.
        case requestCancelling
        /// Already Cancelling.
        case alreadyCancelling
        case reject(String)
    }

    /// Checks `from → to`.
    package static func decide(from: RunState, to: RunState) -> Decision {
        if from.isTerminal {
            return from == to ? .ignore : .reject("run is \(from.displayName), a terminal state; it cannot become \(to.displayName)")
        }
        let allowed: Set<RunState>
        switch from {
        case .scheduled: allowed = [.late, .pending, .cancelling, .cancelled]
        case .late: allowed = [.pending, .cancelling, .cancelled]
        case .pending: allowed = [.scheduled, .running, .completed, .failed, .crashed, .cancelling, .cancelled]
        case .running: allowed = [.completed, .failed, .crashed, .cancelling, .cancelled]
        case .cancelling: allowed = [.cancelled]
        case .completed, .failed, .crashed, .cancelled: allowed = []
        }
        if allowed.contains(to) { return .accept }
        if from == to { return .ignore }
        return .reject("a \(from.displayName) run cannot become \(to.displayName)")
    }

    /// What a cancel request does.
    package static func cancel(from state: RunState) -> CancelAction {
        switch state {
        case .scheduled, .late: return .cancelNow
        case .pending, .running: return .requestCancelling
        case .cancelling: return .alreadyCancelling
        case .completed, .failed, .crashed, .cancelled:
            return .reject("run is already \(state.displayName), a terminal state")
        }
    }

    /// A run due at least this long ago and still Scheduled is Late (docs/design.md "Selection"; Prefect's
    /// default 15 s).
    package static let lateAfter: Double = 15
}
