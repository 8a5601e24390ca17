import Foundation
import PushgateCore

/// The deployment statements both backends run inside their own transactions (PostgreSQL takes its row
/// locks first); validation happens before any transaction opens.
extension SQLStore {
    /// A deployment spec's checked name, limit and job-variables text.
    static func validated(_ spec: DeploymentSpec) throws -> String? {
        try StoreValidation.name(spec.name, of: "deployment")
        try StoreValidation.limit(spec.concurrencyLimit, of: "deployment '\(spec.name)'")
        return try spec.jobVariables.map { (text: String) throws(StoreError) -> String in
            try StoreValidation.jsonObject(text, of: "job variables of deployment '\(spec.name)'")
        }
    }

    /// An update's checked limit and job-variables text (`.some(nil)` clears them).
    static func validated(_ update: DeploymentUpdate, of name: String) throws -> String?? {
        let place = "deployment '\(name)'"
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: place) }
        return try update.jobVariables.map { (text: String?) throws(StoreError) -> String? in
            try text.map { (text: String) throws(StoreError) -> String in try StoreValidation.jsonObject(text, of: "job variables of \(place)") }
        }
    }

    static func insertDeployment(_ db: some SQLQuerying, _ spec: DeploymentSpec, variables: String?, now: Date) throws -> Deployment {
        if try db.first("SELECT 1 FROM deployments WHERE name = ?", [.text(spec.name)], row: { _ in true }) != nil {
            throw StoreError(.alreadyExists, "deployment '\(spec.name)' already exists")
        }
        let pool = try findPool(db, spec.poolName)
        let queue = try findQueue(db, pool: pool, spec.queueName ?? WorkQueue.defaultName)
        _ = try db.run(
            """
            INSERT INTO deployments (name, pool_id, queue_id, job_variables, concurrency_limit, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.text(spec.name), .integer(pool.id), .integer(queue.id), .string(variables), .int(spec.concurrencyLimit), .date(now)]
        )
        return try findDeployment(db, spec.name)
    }

    static func listDeployments(_ db: some SQLQuerying, pool poolName: String?) throws -> [Deployment] {
        var result: [Deployment] = []
        if let poolName {
            let pool = try findPool(db, poolName)
            try db.query(deploymentColumns + " WHERE d.pool_id = ? ORDER BY d.name", [.integer(pool.id)]) { result.append(deployment($0)) }
        } else {
            try db.query(deploymentColumns + " ORDER BY d.name", []) { result.append(deployment($0)) }
        }
        return result
    }

    static func updateDeployment(
        _ db: some SQLQuerying,
        named name: String,
        _ update: DeploymentUpdate,
        variables: String??,
        now: Date,
        dialect: SQLDialect
    ) throws -> Deployment {
        try lockRow(db, table: "deployments", column: "name", .text(name), dialect: dialect)
        var deployment = try findDeployment(db, name)
        let oldPoolName = deployment.poolName
        if let poolName = update.poolName, poolName != deployment.poolName {
            let pool = try findPool(db, poolName)
            deployment.poolID = pool.id
            deployment.poolName = pool.name
            deployment.queueID = try findQueue(db, pool: pool, update.queueName ?? WorkQueue.defaultName).id
        } else if let queueName = update.queueName {
            let pool = try findPool(db, deployment.poolName)
            deployment.queueID = try findQueue(db, pool: pool, queueName).id
        }
        if case .some(let text) = variables { deployment.jobVariables = text }
        if case .some(let limit) = update.concurrencyLimit { deployment.concurrencyLimit = limit }
        // The caller checked the variables against the (new) pool's template, so the deployment fits again.
        let checked = variables != nil || deployment.poolName != oldPoolName
        _ = try db.run(
            """
            UPDATE deployments SET pool_id = ?, queue_id = ?, job_variables = ?, concurrency_limit = ?,
            invalid_reason = CASE WHEN ? THEN NULL ELSE invalid_reason END WHERE id = ?
            """,
            [
                .integer(deployment.poolID), .integer(deployment.queueID), .string(deployment.jobVariables),
                .int(deployment.concurrencyLimit), .bool(checked), .integer(deployment.id),
            ]
        )
        let updated = try findDeployment(db, name)
        if update.moveScheduled, updated.poolName != oldPoolName { try moveScheduledRuns(db, of: updated, from: oldPoolName, now: now) }
        return updated
    }

    /// Moves the deployment's runs still waiting to be claimed to its new pool and queue. A run a claim
    /// took meanwhile is Pending and stays (PostgreSQL re-checks the state after the claim's lock is
    /// released), so no run is both claimed in the old pool and moved.
    private static func moveScheduledRuns(_ db: some SQLQuerying, of deployment: Deployment, from oldPool: String, now: Date) throws {
        var ids: [String] = []
        try db.query(
            "SELECT id FROM flow_runs WHERE deployment_id = ? AND state IN ('SCHEDULED', 'LATE') ORDER BY id",
            [.integer(deployment.id)]
        ) { ids.append($0.text(0)) }
        for id in ids {
            let moved = try db.run(
                "UPDATE flow_runs SET pool_id = ?, queue_id = ? WHERE id = ? AND state IN ('SCHEDULED', 'LATE')",
                [.integer(deployment.poolID), .integer(deployment.queueID), .text(id)]
            )
            guard moved == 1, let state = try db.first("SELECT state FROM flow_runs WHERE id = ?", [.text(id)], row: { $0.text(0) }) else { continue }
            let runState = RunState(rawValue: state) ?? .scheduled
            try record(
                db,
                run: id,
                from: runState,
                to: runState,
                at: now,
                reason: "moved with deployment '\(deployment.name)' from pool '\(oldPool)' to '\(deployment.poolName)' / \(deployment.queueName)"
            )
        }
    }

    /// Deletes a deployment with its finished runs' records; refused while it has unfinished runs.
    static func deleteDeployment(_ db: some SQLQuerying, named name: String, dialect: SQLDialect) throws {
        // FOR UPDATE holds off new runs of the deployment (their foreign key check) until this commits.
        try lockRow(db, table: "deployments", column: "name", .text(name), mode: "UPDATE", dialect: dialect)
        let deployment = try findDeployment(db, name)
        let open =
            try db.first(
                "SELECT COUNT(*) FROM flow_runs WHERE deployment_id = ? AND state NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')",
                [.integer(deployment.id)]
            ) { $0.int(0) } ?? 0
        if open > 0 {
            throw StoreError(.conflict, "deployment '\(name)' has \(open) unfinished run(s); it was not deleted")
        }
        let cleanups =
            try db.first(
                "SELECT COUNT(*) FROM pending_cleanups c JOIN flow_runs r ON r.id = c.run_id WHERE r.deployment_id = ?",
                [.integer(deployment.id)]
            ) { $0.int(0) } ?? 0
        if cleanups > 0 {
            throw StoreError(
                .conflict,
                "deployment '\(name)' has \(cleanups) clean-up(s) pending at its provider (pushgate cleanup ls); it was not deleted"
            )
        }
        _ = try db.run("DELETE FROM flow_run_states WHERE run_id IN (SELECT id FROM flow_runs WHERE deployment_id = ?)", [.integer(deployment.id)])
        _ = try db.run("DELETE FROM flow_runs WHERE deployment_id = ?", [.integer(deployment.id)])
        _ = try db.run("DELETE FROM deployments WHERE id = ?", [.integer(deployment.id)])
    }
}
