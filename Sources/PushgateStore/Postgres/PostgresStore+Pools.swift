import Foundation
import PushgateCore

extension PostgresStore {
    package func createPool(_ spec: WorkPoolSpec, now: Date) async throws -> WorkPool {
        try StoreValidation.name(spec.name, of: "pool")
        try StoreValidation.limit(spec.concurrencyLimit, of: "pool '\(spec.name)'")
        let type = spec.type.trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty else { throw StoreError(.invalidInput, "pool '\(spec.name)': type must not be empty") }
        let template = try StoreValidation.jsonObject(spec.baseJobTemplate, of: "base job template of pool '\(spec.name)'")
        return try await write { db in
            if try db.first("SELECT 1 FROM work_pools WHERE name = ?", [.text(spec.name)], row: { _ in true }) != nil {
                throw StoreError(.alreadyExists, "pool '\(spec.name)' already exists")
            }
            let id = try db.first(
                """
                INSERT INTO work_pools (name, type, base_job_template, concurrency_limit, is_paused, credentials_profile,
                created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    .text(spec.name), .text(type), .text(template), .int(spec.concurrencyLimit), .bool(spec.isPaused),
                    .string(spec.credentialsProfile), .date(now), .date(now),
                ]
            ) { $0.int64(0) } ?? 0
            try db.run(
                "INSERT INTO work_queues (pool_id, name, priority, is_paused, created_at) VALUES (?, ?, 1, 0, ?)",
                [.integer(id), .text(WorkQueue.defaultName), .date(now)]
            )
            return try Self.findPool(db, spec.name)
        }
    }

    package func pool(named name: String) async throws -> WorkPool {
        try await read { db in try Self.findPool(db, name) }
    }

    package func pools() async throws -> [WorkPool] {
        try await read { db in
            var pools: [WorkPool] = []
            try db.query(Self.poolColumns + " ORDER BY name") { pools.append(Self.pool($0)) }
            return pools
        }
    }

    package func updatePool(named name: String, _ update: WorkPoolUpdate, now: Date) async throws -> WorkPool {
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: "pool '\(name)'") }
        return try await write { db in
            try Self.lockRow(db, table: "work_pools", column: "name", .text(name))
            var pool = try Self.findPool(db, name)
            if let paused = update.isPaused { pool.isPaused = paused }
            if case .some(let limit) = update.concurrencyLimit { pool.concurrencyLimit = limit }
            try db.run(
                "UPDATE work_pools SET is_paused = ?, concurrency_limit = ?, updated_at = ? WHERE id = ?",
                [.bool(pool.isPaused), .int(pool.concurrencyLimit), .date(now), .integer(pool.id)]
            )
            return try Self.findPool(db, name)
        }
    }

    package func deletePool(named name: String) async throws {
        try await write { db in
            let pool = try Self.findPool(db, name)
            // The pool lock first (as queue changes take it), then FOR UPDATE, which holds off new deployments
            // and queues (their foreign key checks) until this commits.
            try Self.lockPool(db, id: pool.id)
            try Self.lockRow(db, table: "work_pools", column: "id", .integer(pool.id), mode: "UPDATE")
            let deployments = try db.first("SELECT COUNT(*) FROM deployments WHERE pool_id = ?", [.integer(pool.id)]) { $0.int(0) } ?? 0
            if deployments > 0 {
                throw StoreError(.conflict, "pool '\(name)' still has \(deployments) deployment(s); it was not deleted")
            }
            try db.run("DELETE FROM work_queues WHERE pool_id = ?", [.integer(pool.id)])
            try db.run("DELETE FROM work_pools WHERE id = ?", [.integer(pool.id)])
        }
    }
}
