/// What the bridge reads of a Prefect flow run (`GET /api/flow_runs/{id}`, `get_scheduled_flow_runs`):
/// only the fields a worker uses (docs/prefect-semantics.md §7).
package struct PrefectFlowRun: Sendable, Hashable {
    package var id: String
    package var name: String
    package var deploymentID: String?
    /// The run's `job_variables` object, or nil.
    package var jobVariables: JSONValue?
    /// `SCHEDULED`, `PENDING`, `RUNNING`, `CANCELLING`, … (Prefect's `StateType`).
    package var stateType: String
    package var stateMessage: String?
    package var infrastructurePID: String?

    package init(
        id: String,
        name: String,
        deploymentID: String?,
        jobVariables: JSONValue?,
        stateType: String,
        stateMessage: String?,
        infrastructurePID: String?
    ) {
        self.id = id
        self.name = name
        self.deploymentID = deploymentID
        self.jobVariables = jobVariables
        self.stateType = stateType
        self.stateMessage = stateMessage
        self.infrastructurePID = infrastructurePID
    }

    /// Prefect's terminal state types (`TERMINAL_STATES` in prefect/server/schemas/states.py).
    package var isTerminal: Bool { ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].contains(stateType) }
}
