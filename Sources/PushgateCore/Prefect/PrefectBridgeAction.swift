/// What the bridge does next for one Prefect flow run of a served pool, given the pushgate run that
/// mirrors it (if any). Pure: ``decide(prefect:mirror:replica:)`` is tested without sockets.
///
/// The rules follow Prefect 3's `BaseWorker` (prefect/workers/base.py) and the server's `CoreFlowPolicy`
/// (prefect/server/orchestration/core_policy.py), docs/prefect-semantics.md §7.
package enum PrefectBridgeAction: Sendable, Hashable {
    /// Nothing to do now.
    case none
    /// The run is Pending by this replica but has no pushgate run yet (it died between the proposal and
    /// the create): create it, idempotently keyed by the Prefect run id.
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

    /// The start of the state message the bridge puts on its Pending proposals.
    package static let pendingMarker = "pushgate: submitting"

    /// The whole message, naming the replica, so a restarted replica recognises the runs it took but may not
    /// have mirrored yet.
    package static func pendingMessage(replica: String) -> String { "\(pendingMarker) (\(replica))" }

    /// Only the replica that proposed a run mirrors it when no mirror is found: another replica may keep its
    /// mirrors in a store of its own, where finding none proves nothing, and mirroring there would submit
    /// the run twice. A replica that never comes back leaves its proposal Pending, as a dead Prefect worker does.
    package static func decide(prefect: PrefectFlowRun, mirror: FlowRun?, replica: String) -> PrefectBridgeAction {
        guard let mirror else {
            let ours = prefect.stateMessage == pendingMessage(replica: replica)
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
