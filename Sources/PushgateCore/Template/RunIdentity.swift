/// Who a submission is for. The gateway injects it into the rendered configuration so the workload and
/// the provider's console both show which run, deployment, pool and queue it belongs to (Prefect's
/// `prepare_for_flow_run`, docs/prefect-semantics.md §2.4).
package struct RunIdentity: Sendable, Hashable {
    package var runID: String
    package var deployment: String
    package var pool: String
    package var queue: String

    package init(runID: String, deployment: String, pool: String, queue: String) {
        self.runID = runID
        self.deployment = deployment
        self.pool = pool
        self.queue = queue
    }

    /// Environment variables set in the workload; user values win, as in Prefect.
    package var environment: [String: String] {
        [
            "PREFECT__FLOW_RUN_ID": runID,
            "PREFECT__DEPLOYMENT_NAME": deployment,
            "PUSHGATE_RUN_ID": runID,
            "PUSHGATE_DEPLOYMENT": deployment,
            "PUSHGATE_POOL": pool,
            "PUSHGATE_QUEUE": queue,
        ]
    }

    /// Labels (ECS tags, Cloud Run labels, ACI tags, Modal tags); user labels win, as in Prefect.
    package var labels: [String: String] {
        [
            "prefect.io/flow-run-id": runID,
            "prefect.io/deployment-name": deployment,
            "prefect.io/work-pool-name": pool,
            "pushgate.io/queue": queue,
        ]
    }
}

extension JSONValue {
    /// The configuration with the run identity added under `env` and `labels` (user values win), and then
    /// prepared for submission (null env values dropped, values as strings).
    package func injecting(_ identity: RunIdentity) -> JSONValue {
        guard case .object(var members) = self else { return self }
        var env = identity.environment.mapValues(JSONValue.string)
        if case .object(let user)? = members["env"] { env.merge(user) { _, user in user } }
        members["env"] = .object(env)
        var labels = identity.labels.mapValues(JSONValue.string)
        if case .object(let user)? = members["labels"] { labels.merge(user) { _, user in user } }
        members["labels"] = .object(labels)
        return JSONValue.object(members).preparedForSubmission()
    }
}
