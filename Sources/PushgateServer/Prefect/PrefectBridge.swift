import Foundation
import PushgateCore

/// `pushgate serve --prefect-api URL`: serves the work pools of a self-hosted Prefect server the way a
/// Prefect worker does, with no worker anywhere (docs/prefect-semantics.md §7).
///
/// Each pass, per served pool: heartbeat it, take its scheduled runs as the server orders them
/// (`get_scheduled_flow_runs`), propose PENDING (only the winner of the server's `PreventPendingTransitions`
/// goes on), and create a run in pushgate's mirror pool, keyed by the Prefect run id. pushgate's own
/// dispatcher and poller then claim, submit (with the provider's idempotency key), track and stop it, so
/// exactly-once across crashes and replicas is the store's. The bridge reports back what a worker reports:
/// `infrastructure_pid`, CRASHED with the provider's message, CANCELLED after a stop
/// (``PrefectBridgeAction``). Prefect stays the source of truth for the runs and their states; the flow's
/// engine in the workload reports Running and Completed or Failed.
package struct PrefectBridge: Sendable {
    package let api: any PrefectAPI
    package let store: any Store
    package let configuration: PrefectBridgeConfiguration
    package let clock: any WallClock
    package let logger: Logger

    package init(api: any PrefectAPI, store: any Store, configuration: PrefectBridgeConfiguration, clock: any WallClock, logger: Logger) {
        self.api = api
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger.with([("component", "prefect-bridge")])
    }

    /// Runs passes until the task is cancelled.
    package func run() async {
        while !Task.isCancelled {
            await pass()
            try? await clock.sleep(until: clock.now().addingTimeInterval(configuration.interval))
        }
    }

    /// One pass over every served pool; a failing pool is logged and retried next pass.
    package func pass() async {
        for mapping in configuration.pools {
            do {
                try await serve(mapping)
            } catch {
                logger.warning("Prefect pool pass failed", [("prefect_pool", mapping.prefectPool), ("error", "\(error)")])
            }
        }
    }

    func serve(_ mapping: PrefectPoolMapping) async throws {
        try await api.heartbeat(pool: mapping.prefectPool, worker: configuration.workerName, intervalSeconds: configuration.heartbeatSeconds)
        let pool = try await api.workPool(named: mapping.prefectPool)
        try await mirror(pool: pool, mapping: mapping)
        for run in try await api.scheduledFlowRuns(pool: mapping.prefectPool) {
            try await take(run, mapping: mapping)
        }
        let active = try await api.flowRuns(pool: mapping.prefectPool, stateTypes: ["PENDING", "RUNNING", "CANCELLING"])
        let mirrors = try await mirrorRuns(of: active)
        for run in active {
            try await act(on: run, mirror: mirrors[run.id], mapping: mapping)
        }
    }

    /// Creates or updates the pushgate pool that mirrors the Prefect pool's base job template.
    func mirror(pool: PrefectWorkPool, mapping: PrefectPoolMapping) async throws {
        let template = pool.baseJobTemplate.serialized()
        do {
            let existing = try await store.pool(named: mapping.mirrorPool)
            if existing.baseJobTemplate != template {
                let change = WorkPoolUpdate.TemplateChange(baseJobTemplate: template, expectedVersion: existing.templateVersion)
                _ = try await store.updatePool(named: mapping.mirrorPool, WorkPoolUpdate(template: change), now: clock.now())
            }
        } catch let error as StoreError where error.code == .notFound {
            let spec = WorkPoolSpec(
                name: mapping.mirrorPool,
                type: mapping.providerType,
                baseJobTemplate: template,
                credentialsProfile: mapping.credentialsProfile,
                undeclaredVariables: .drop
            )
            _ = try await store.createPool(spec, now: clock.now())
            logger.info("serving Prefect pool", [("prefect_pool", pool.name), ("pool", mapping.mirrorPool), ("type", mapping.providerType)])
        }
    }

    /// Proposes PENDING for a scheduled run and, when the proposal wins, creates its mirror run.
    func take(_ run: PrefectFlowRun, mapping: PrefectPoolMapping) async throws {
        guard run.deploymentID != nil else { return }
        let message = PrefectBridgeAction.pendingMessage(replica: configuration.workerName)
        let result = try await api.setState(runID: run.id, type: "PENDING", name: "Pending", message: message, force: false)
        guard result.accepted(as: "PENDING") else {
            logger.debug("someone else has the run", [("flow_run", run.id), ("status", result.status)])
            return
        }
        try await createMirror(run, mapping: mapping)
    }

    /// The mirror run, created idempotently (the Prefect run id is its creation key), under a mirror
    /// deployment that carries the Prefect deployment's `job_variables`.
    func createMirror(_ run: PrefectFlowRun, mapping: PrefectPoolMapping) async throws {
        guard let deploymentID = run.deploymentID else { return }
        guard let deploymentVariables = try await api.deploymentJobVariables(id: deploymentID) else {
            // As the worker does when the deployment is gone (`_submit_run`).
            _ = try await api.setState(
                runID: run.id,
                type: "CANCELLED",
                name: "Cancelled",
                message: "Deployment \(deploymentID) no longer exists, cancelled run.",
                force: true
            )
            return
        }
        let deploymentName = PrefectBridge.mirrorDeployment(deploymentID)
        let variables = deploymentVariables.flatMap { $0.objectValue == nil || $0.objectValue!.isEmpty ? nil : $0.serialized() }
        do {
            let existing = try await store.deployment(named: deploymentName)
            if existing.jobVariables != variables {
                _ = try await store.updateDeployment(named: deploymentName, DeploymentUpdate(jobVariables: .some(variables)), now: clock.now())
            }
        } catch let error as StoreError where error.code == .notFound {
            _ = try await store.createDeployment(
                DeploymentSpec(name: deploymentName, poolName: mapping.mirrorPool, jobVariables: variables),
                now: clock.now()
            )
        }
        let spec = FlowRunSpec(
            deploymentName: deploymentName,
            jobVariables: PrefectBridge.runVariables(run, apiURL: configuration.apiURL).serialized(),
            idempotencyKey: run.id
        )
        do {
            let creation = try await store.createRun(spec, now: clock.now())
            logger.info("took Prefect flow run", [("flow_run", run.id), ("run", creation.run.id), ("created", String(creation.created))])
        } catch let error as StoreError where error.code == .invalidInput {
            _ = try await api.setState(
                runID: run.id,
                type: "CRASHED",
                name: "Crashed",
                message: "Failed to submit flow run to infrastructure: \(error.message)",
                force: false
            )
        }
    }

    /// The pushgate deployment that mirrors Prefect deployment `id` and carries its `job_variables`.
    package static func mirrorDeployment(_ id: String) -> String { "prefect.\(id)" }

    /// The run's `job_variables` with the environment a Prefect flow run needs (`PREFECT_API_URL`,
    /// `PREFECT__FLOW_RUN_ID`, as `prepare_for_flow_run` adds them); values the user set win, as in Prefect.
    package static func runVariables(_ run: PrefectFlowRun, apiURL: String) -> JSONValue {
        var members = run.jobVariables?.objectValue ?? [:]
        var env: [String: JSONValue] = ["PREFECT_API_URL": .string(apiURL), "PREFECT__FLOW_RUN_ID": .string(run.id)]
        if let user = members["env"]?.objectValue { env.merge(user) { _, user in user } }
        members["env"] = .object(env)
        return .object(members)
    }

    /// The mirrors of `runs` by their creation key (the Prefect run id): one indexed look-up per mirror
    /// deployment and batch of keys, however many runs the store holds.
    func mirrorRuns(of runs: [PrefectFlowRun]) async throws -> [String: FlowRun] {
        var byKey: [String: FlowRun] = [:]
        for (deploymentID, group) in Dictionary(grouping: runs, by: { $0.deploymentID ?? "" }) where !deploymentID.isEmpty {
            for start in stride(from: 0, to: group.count, by: 200) {
                var filter = FlowRunFilter(deploymentName: PrefectBridge.mirrorDeployment(deploymentID), limit: 200)
                filter.idempotencyKeys = group[start..<min(start + 200, group.count)].map(\.id)
                do {
                    for run in try await store.runs(filter) { if let key = run.idempotencyKey { byKey[key] = run } }
                } catch let error as StoreError where error.code == .notFound {
                    break  // no mirror deployment yet: none of its runs has a mirror
                }
            }
        }
        return byKey
    }

    func act(on run: PrefectFlowRun, mirror: FlowRun?, mapping: PrefectPoolMapping) async throws {
        let now = clock.now()
        switch PrefectBridgeAction.decide(prefect: run, mirror: mirror, replica: configuration.workerName) {
        case .none:
            return
        case .createMirror:
            try await createMirror(run, mapping: mapping)
        case .recordInfrastructurePID(let pid):
            try await api.setInfrastructurePID(runID: run.id, pid: pid)
            logger.info("submitted to infrastructure", [("flow_run", run.id), ("infrastructure_pid", pid)])
        case .reportCrashed(let reason):
            let result = try await api.setState(runID: run.id, type: "CRASHED", name: "Crashed", message: reason, force: false)
            logger.info("reported Crashed", [("flow_run", run.id), ("status", result.status)])
        case .cancelMirror:
            guard let mirror else { return }
            _ = try await store.requestCancel(runID: mirror.id, reason: "cancelled in Prefect", now: now)
        case .reportCancelled:
            _ = try await api.setState(
                runID: run.id,
                type: "CANCELLED",
                name: "Cancelled",
                message: "Flow run cancelled by pushgate.",
                force: true
            )
            logger.info("reported Cancelled", [("flow_run", run.id)])
        }
    }
}
