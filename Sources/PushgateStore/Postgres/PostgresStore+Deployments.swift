import Foundation
import PushgateCore

extension PostgresStore {
    package func createDeployment(_ spec: DeploymentSpec, now: Date) async throws -> Deployment {
        try StoreValidation.name(spec.name, of: "deployment")
        try StoreValidation.limit(spec.concurrencyLimit, of: "deployment '\(spec.name)'")
        let variables = try spec.jobVariables.map { (text: String) throws(StoreError) -> String in
            try StoreValidation.jsonObject(text, of: "job variables of deployment '\(spec.name)'")
        }
        return try await write { db in
            if try db.first("SELECT 1 FROM deployments WHERE name = ?", [.text(spec.name)], row: { _ in true }) != nil {
                throw StoreError(.alreadyExists, "deployment '\(spec.name)' already exists")
            }
            let pool = try Self.findPool(db, spec.poolName)
            let queue = try Self.findQueue(db, pool: pool, spec.queueName ?? WorkQueue.defaultName)
            try db.run(
                """
                INSERT INTO deployments (name, pool_id, queue_id, job_variables, concurrency_limit, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(spec.name), .integer(pool.id), .integer(queue.id), .string(variables), .int(spec.concurrencyLimit),
                    .date(now),
                ]
            )
            return try Self.findDeployment(db, spec.name)
        }
    }

    package func deployment(named name: String) async throws -> Deployment {
        try await read { db in try Self.findDeployment(db, name) }
    }

    package func deployments(pool poolName: String?) async throws -> [Deployment] {
        try await read { db in
            var result: [Deployment] = []
            if let poolName {
                let pool = try Self.findPool(db, poolName)
                try db.query(Self.deploymentColumns + " WHERE d.pool_id = ? ORDER BY d.name", [.integer(pool.id)]) {
                    result.append(Self.deployment($0))
                }
            } else {
                try db.query(Self.deploymentColumns + " ORDER BY d.name") { result.append(Self.deployment($0)) }
            }
            return result
        }
    }

    package func updateDeployment(named name: String, _ update: DeploymentUpdate, now: Date) async throws -> Deployment {
        let place = "deployment '\(name)'"
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: place) }
        let variables = try update.jobVariables.map { (text: String?) throws(StoreError) -> String? in
            try text.map { (text: String) throws(StoreError) -> String in try StoreValidation.jsonObject(text, of: "job variables of \(place)") }
        }
        return try await write { db in
            try Self.lockRow(db, table: "deployments", column: "name", .text(name))
            var deployment = try Self.findDeployment(db, name)
            if let queueName = update.queueName {
                let pool = try Self.findPool(db, deployment.poolName)
                deployment.queueID = try Self.findQueue(db, pool: pool, queueName).id
            }
            if case .some(let text) = variables { deployment.jobVariables = text }
            if case .some(let limit) = update.concurrencyLimit { deployment.concurrencyLimit = limit }
            try db.run(
                "UPDATE deployments SET queue_id = ?, job_variables = ?, concurrency_limit = ? WHERE id = ?",
                [.integer(deployment.queueID), .string(deployment.jobVariables), .int(deployment.concurrencyLimit), .integer(deployment.id)]
            )
            return try Self.findDeployment(db, name)
        }
    }

    package func deleteDeployment(named name: String) async throws {
        try await write { db in
            // FOR UPDATE holds off new runs of the deployment (their foreign key check) until this commits.
            try Self.lockRow(db, table: "deployments", column: "name", .text(name), mode: "UPDATE")
            let deployment = try Self.findDeployment(db, name)
            let open = try db.first(
                "SELECT COUNT(*) FROM flow_runs WHERE deployment_id = ? AND state NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')",
                [.integer(deployment.id)]
            ) { $0.int(0) } ?? 0
            if open > 0 {
                throw StoreError(.conflict, "deployment '\(name)' has \(open) unfinished run(s); it was not deleted")
            }
            try db.run("DELETE FROM flow_run_states WHERE run_id IN (SELECT id FROM flow_runs WHERE deployment_id = ?)", [.integer(deployment.id)])
            try db.run("DELETE FROM flow_runs WHERE deployment_id = ?", [.integer(deployment.id)])
            try db.run("DELETE FROM deployments WHERE id = ?", [.integer(deployment.id)])
        }
    }
}
