/// The calls of Prefect's REST API the bridge makes, the ones Prefect 3's `BaseWorker`
/// (prefect/workers/base.py) makes (docs/prefect-semantics.md §7). IO lives behind this protocol so the
/// bridge's loop is tested with a scripted server.
package protocol PrefectAPI: Sendable {
    /// `GET /api/admin/version`.
    func serverVersion() async throws -> String
    /// `GET /api/work_pools/{name}`.
    func workPool(named name: String) async throws -> PrefectWorkPool
    /// `POST /api/work_pools/{name}/workers/heartbeat`: makes the pool's queues READY in Prefect's UI.
    func heartbeat(pool: String, worker: String, intervalSeconds: Int) async throws
    /// `POST /api/work_pools/{name}/get_scheduled_flow_runs`: queue priority and limits as the server
    /// computes them.
    func scheduledFlowRuns(pool: String) async throws -> [PrefectFlowRun]
    /// `POST /api/flow_runs/filter` for the pool's runs in `stateTypes`.
    func flowRuns(pool: String, stateTypes: [String]) async throws -> [PrefectFlowRun]
    /// `GET /api/deployments/{id}`: its `job_variables` (nil when it no longer exists).
    func deploymentJobVariables(id: String) async throws -> JSONValue??
    /// `POST /api/flow_runs/{id}/set_state`.
    func setState(runID: String, type: String, name: String, message: String, force: Bool) async throws -> PrefectOrchestrationResult
    /// `PATCH /api/flow_runs/{id}` with `infrastructure_pid`.
    func setInfrastructurePID(runID: String, pid: String) async throws
}

/// A Prefect work pool as the bridge needs it.
package struct PrefectWorkPool: Sendable, Hashable {
    package var name: String
    package var type: String
    package var baseJobTemplate: JSONValue
    package var isPaused: Bool

    package init(name: String, type: String, baseJobTemplate: JSONValue, isPaused: Bool) {
        self.name = name
        self.type = type
        self.baseJobTemplate = baseJobTemplate
        self.isPaused = isPaused
    }
}

/// The answer to a state proposal (`OrchestrationResult`): `ACCEPT`, `REJECT`, `ABORT` or `WAIT`, and the
/// state the run is in afterwards.
package struct PrefectOrchestrationResult: Sendable, Hashable {
    package var status: String
    package var stateType: String?

    package init(status: String, stateType: String?) {
        self.status = status
        self.stateType = stateType
    }

    /// The proposal won: the run is now in the proposed state. Anything else (another worker or replica
    /// proposed first, so the server's `PreventPendingTransitions` aborted ours) means someone else has it.
    package func accepted(as type: String) -> Bool { status == "ACCEPT" && stateType == type }
}
