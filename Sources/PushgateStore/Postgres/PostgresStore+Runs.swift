import Foundation
import PushgateCore

extension PostgresStore {
    package func createRun(_ spec: FlowRunSpec, now: Date) async throws -> FlowRunCreation {
        try await createRuns([spec], now: now)[0]
    }

    /// Idempotency keys use `ON CONFLICT DO NOTHING`: when another replica inserts the same key at the same
    /// time, the insert waits for it and then returns its run, as the SQLite store's check-then-insert does.
    package func createRuns(_ specs: [FlowRunSpec], now: Date) async throws -> [FlowRunCreation] {
        let variables = try specs.map { spec throws(StoreError) -> String? in
            try spec.jobVariables.map { (text: String) throws(StoreError) -> String in
                try StoreValidation.jsonObject(text, of: "job variables of the run of deployment '\(spec.deploymentName)'")
            }
        }
        for spec in specs where spec.idempotencyKey?.isEmpty == true {
            throw StoreError(.invalidInput, "idempotency key must not be empty")
        }
        return try await write { db in
            var deployments: [String: Deployment] = [:]
            var results: [FlowRunCreation] = []
            results.reserveCapacity(specs.count)
            for (spec, variables) in zip(specs, variables) {
                let deployment: Deployment
                if let cached = deployments[spec.deploymentName] {
                    deployment = cached
                } else {
                    deployment = try Self.findDeployment(db, spec.deploymentName)
                    deployments[spec.deploymentName] = deployment
                }
                let id = UUID().uuidString.lowercased()
                let scheduled = spec.scheduledTime ?? now
                let reason = "created"
                let values: [SQLValue] = [
                    .text(id), .integer(deployment.id), .integer(deployment.poolID), .integer(deployment.queueID),
                    .date(scheduled), .string(variables), .string(spec.idempotencyKey), .text(reason), .date(now), .date(now),
                ]
                let insert = """
                    INSERT INTO flow_runs (id, deployment_id, pool_id, queue_id, scheduled_time, job_variables,
                    idempotency_key, state, state_reason, state_changed_at, attempt, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'SCHEDULED', ?, ?, 0, ?)
                    """
                if let key = spec.idempotencyKey {
                    let inserted = try db.run(
                        insert + " ON CONFLICT (deployment_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
                        values
                    )
                    if inserted == 0 {
                        let existing = try db.first(
                            Self.runColumns + " WHERE r.deployment_id = ? AND r.idempotency_key = ?",
                            [.integer(deployment.id), .text(key)],
                            row: Self.run
                        )
                        guard let existing else {
                            throw StoreError(.conflict, "run with idempotency key '\(key)' of deployment '\(deployment.name)' vanished")
                        }
                        results.append(FlowRunCreation(run: existing, created: false))
                        continue
                    }
                } else {
                    try db.run(insert, values)
                }
                try Self.record(db, run: id, from: nil, to: .scheduled, at: now, reason: reason)
                let run = Self.scheduledRun(
                    id: id, deployment: deployment, scheduled: scheduled, jobVariables: variables,
                    idempotencyKey: spec.idempotencyKey, reason: reason, now: now)
                results.append(FlowRunCreation(run: run, created: true))
            }
            return results
        }
    }

    package func run(id: String) async throws -> FlowRun {
        try await read { db in try Self.findRun(db, id) }
    }

    package func runs(_ filter: FlowRunFilter) async throws -> [FlowRun] {
        try await read { db in
            var conditions: [String] = []
            var values: [SQLValue] = []
            if let poolName = filter.poolName {
                conditions.append("r.pool_id = ?")
                values.append(.integer(try Self.findPool(db, poolName).id))
            }
            if let deploymentName = filter.deploymentName {
                conditions.append("r.deployment_id = ?")
                values.append(.integer(try Self.findDeployment(db, deploymentName).id))
            }
            if !filter.states.isEmpty {
                conditions.append("r.state IN (" + filter.states.map { _ in "?" }.joined(separator: ", ") + ")")
                values += filter.states.map { .text($0.rawValue) }
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            values.append(.integer(Int64(max(0, filter.limit))))
            var result: [FlowRun] = []
            try db.query(Self.runColumns + whereClause + " ORDER BY r.scheduled_time, r.id LIMIT ?", values) {
                result.append(Self.run($0))
            }
            return result
        }
    }

    package func history(runID: String) async throws -> [StateTransition] {
        try await read { db in
            _ = try Self.findRun(db, runID)
            var result: [StateTransition] = []
            try db.query(
                "SELECT from_state, to_state, at, reason FROM flow_run_states WHERE run_id = ? ORDER BY id",
                [.text(runID)]
            ) { row in
                result.append(
                    StateTransition(
                        runID: runID,
                        from: row.optionalText(0).flatMap(RunState.init(rawValue:)),
                        to: RunState(rawValue: row.text(1)) ?? .crashed,
                        at: row.date(2),
                        reason: row.text(3)
                    )
                )
            }
            return result
        }
    }
}
