import Foundation
import PushgateCore

/// The pool statements both stores run inside their own transactions; validation happens before any
/// transaction opens.
extension SQLStore {
    /// A pool spec's checked name and limit, its trimmed type and its checked base job template text.
    static func validated(_ spec: WorkPoolSpec) throws -> (type: String, template: String) {
        try StoreValidation.name(spec.name, of: "pool")
        try StoreValidation.limit(spec.concurrencyLimit, of: "pool '\(spec.name)'")
        let type = spec.type.trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty else { throw StoreError(.invalidInput, "pool '\(spec.name)': type must not be empty") }
        let template = try StoreValidation.jsonObject(spec.baseJobTemplate, of: "base job template of pool '\(spec.name)'")
        return (type, template)
    }

    static func validate(_ update: WorkPoolUpdate, of name: String) throws {
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: "pool '\(name)'") }
    }

    /// Inserts a pool with its default queue.
    static func insertPool(
        _ db: some SQLQuerying,
        _ spec: WorkPoolSpec,
        type: String,
        template: String,
        now: Date
    ) throws
        -> WorkPool
    {
        if try db.first("SELECT 1 FROM work_pools WHERE name = ?", [.text(spec.name)], row: { _ in true }) != nil {
            throw StoreError(.alreadyExists, "pool '\(spec.name)' already exists")
        }
        let id = try db.insertReturningID(
            """
            INSERT INTO work_pools (name, type, base_job_template, concurrency_limit, is_paused, credentials_profile,
            created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(spec.name), .text(type), .text(template), .int(spec.concurrencyLimit), .bool(spec.isPaused),
                .string(spec.credentialsProfile), .date(now), .date(now),
            ]
        )
        try db.run(
            "INSERT INTO work_queues (pool_id, name, priority, is_paused, created_at) VALUES (?, ?, 1, 0, ?)",
            [.integer(id), .text(WorkQueue.defaultName), .date(now)]
        )
        return try findPool(db, spec.name)
    }

    static func listPools(_ db: some SQLQuerying) throws -> [WorkPool] {
        var pools: [WorkPool] = []
        try db.query(poolColumns + " ORDER BY name", []) { pools.append(pool($0)) }
        return pools
    }

    static func updatePool(
        _ db: some SQLQuerying,
        named name: String,
        _ update: WorkPoolUpdate,
        now: Date,
        dialect: SQLDialect
    )
        throws -> WorkPool
    {
        try lockRow(db, table: "work_pools", column: "name", .text(name), dialect: dialect)
        var pool = try findPool(db, name)
        if let paused = update.isPaused { pool.isPaused = paused }
        if case .some(let limit) = update.concurrencyLimit { pool.concurrencyLimit = limit }
        try db.run(
            "UPDATE work_pools SET is_paused = ?, concurrency_limit = ?, updated_at = ? WHERE id = ?",
            [.bool(pool.isPaused), .int(pool.concurrencyLimit), .date(now), .integer(pool.id)]
        )
        return try findPool(db, name)
    }

    /// Deletes a pool with its queues; refused while deployments use it.
    static func deletePool(_ db: some SQLQuerying, named name: String, dialect: SQLDialect) throws {
        let pool = try findPool(db, name)
        // The pool lock first (as queue changes take it), then FOR UPDATE, which holds off new deployments
        // and queues (their foreign key checks) until this commits.
        try lockPool(db, id: pool.id, dialect: dialect)
        try lockRow(db, table: "work_pools", column: "id", .integer(pool.id), mode: "UPDATE", dialect: dialect)
        let deployments = try db.first("SELECT COUNT(*) FROM deployments WHERE pool_id = ?", [.integer(pool.id)]) { $0.int(0) } ?? 0
        if deployments > 0 {
            throw StoreError(.conflict, "pool '\(name)' still has \(deployments) deployment(s); it was not deleted")
        }
        try db.run("DELETE FROM work_queues WHERE pool_id = ?", [.integer(pool.id)])
        try db.run("DELETE FROM work_pools WHERE id = ?", [.integer(pool.id)])
    }
}
