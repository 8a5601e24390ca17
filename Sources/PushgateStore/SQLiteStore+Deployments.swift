import Foundation
import PushgateCore

extension SQLiteStore {
    package func createDeployment(_ spec: DeploymentSpec, now: Date) throws -> Deployment {
        try StoreValidation.name(spec.name, of: "deployment")
        try StoreValidation.limit(spec.concurrencyLimit, of: "deployment '\(spec.name)'")
        let variables = try spec.jobVariables.map { (text: String) throws(StoreError) -> String in
            try StoreValidation.jsonObject(text, of: "job variables of deployment '\(spec.name)'")
        }
        return try write { db in
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

    package func deployment(named name: String) throws -> Deployment {
        try read { db in try Self.findDeployment(db, name) }
    }

    package func deployments(pool poolName: String?) throws -> [Deployment] {
        try read { db in
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
}
