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
        dialect: SQLDialect
    ) throws -> Deployment {
        try lockRow(db, table: "deployments", column: "name", .text(name), dialect: dialect)
        var deployment = try findDeployment(db, name)
        if let queueName = update.queueName {
            let pool = try findPool(db, deployment.poolName)
            deployment.queueID = try findQueue(db, pool: pool, queueName).id
        }
        if case .some(let text) = variables { deployment.jobVariables = text }
        if case .some(let limit) = update.concurrencyLimit { deployment.concurrencyLimit = limit }
        _ = try db.run(
            "UPDATE deployments SET queue_id = ?, job_variables = ?, concurrency_limit = ? WHERE id = ?",
            [.integer(deployment.queueID), .string(deployment.jobVariables), .int(deployment.concurrencyLimit), .integer(deployment.id)]
        )
        return try findDeployment(db, name)
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
