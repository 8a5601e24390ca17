/// What the bridge does next for one Prefect flow run of a served pool, given the pushgate run that
/// mirrors it (if any). Pure: ``decide(prefect:mirror:marker:)`` is tested without sockets.
///
/// The rules follow Prefect 3's `BaseWorker` (prefect/workers/base.py) and the server's `CoreFlowPolicy`
/// (prefect/server/orchestration/core_policy.py), docs/prefect-semantics.md §7.
package enum PrefectBridgeAction: Sendable, Hashable {
    /// Nothing to do now.
    case none
    /// The run is Pending by this bridge but has no pushgate run yet (the gateway died between the
    /// proposal and the create): create it, idempotently keyed by the Prefect run id.
    case createMirror
    /// Record the provider handle on the Prefect run, as the worker does after submitting.
    case recordInfrastructurePID(String)
    /// The infrastructure failed or never started: propose CRASHED with the provider's message
    /// (`_propose_crashed_state`).
    case reportCrashed(String)
    /// Prefect asks to cancel: stop the infrastructure through pushgate's poller.
    case cancelMirror
    /// The infrastructure is stopped: set CANCELLED (`_mark_flow_run_as_cancelled`).
    case reportCancelled

    /// The state message the bridge puts on its Pending proposals, so a restarted replica recognises runs
    /// it (or another replica) took but may not have mirrored yet.
    package static let pendingMarker = "pushgate: submitting"

    package static func decide(prefect: PrefectFlowRun, mirror: FlowRun?) -> PrefectBridgeAction {
        guard let mirror else {
            let ours = prefect.stateMessage?.hasPrefix(pendingMarker) == true
            return prefect.stateType == "PENDING" && ours ? .createMirror : .none
        }
        switch prefect.stateType {
        case "CANCELLING":
            if mirror.state.isTerminal { return .reportCancelled }
            return mirror.state == .cancelling ? .none : .cancelMirror
        case "PENDING", "RUNNING":
            if mirror.state == .crashed || mirror.state == .failed {
                return .reportCrashed(mirror.stateReason)
            }
            if let handle = mirror.providerHandle, prefect.infrastructurePID != handle {
                return .recordInfrastructurePID(handle)
            }
            return .none
        default:
            return .none
        }
    }
}
