import Foundation
import PushgateCore

/// The queue statements both stores run inside their own transactions. Changes hold the pool's lock, so
/// priority shifting never interleaves with another change of the same pool's queues (or its claims).
extension SQLStore {
    static func validate(_ spec: WorkQueueSpec, pool poolName: String) throws {
        try StoreValidation.name(spec.name, of: "queue")
        let place = "queue '\(spec.name)' of pool '\(poolName)'"
        try StoreValidation.limit(spec.concurrencyLimit, of: place)
        if let priority = spec.priority { try StoreValidation.priority(priority, of: place) }
    }

    static func validate(_ update: WorkQueueUpdate, of name: String, pool poolName: String) throws {
        let place = "queue '\(name)' of pool '\(poolName)'"
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: place) }
        if let priority = update.priority { try StoreValidation.priority(priority, of: place) }
    }

    /// Inserts a queue at its priority (the first free one when unset), shifting the pool's other queues.
    static func insertQueue(
        _ db: some SQLQuerying,
        pool poolName: String,
        _ spec: WorkQueueSpec,
        now: Date,
        dialect: SQLDialect
    )
        throws -> WorkQueue
    {
        let pool = try findPool(db, poolName)
        try lockPool(db, id: pool.id, dialect: dialect)
        if try db.first("SELECT 1 FROM work_queues WHERE pool_id = ? AND name = ?", [.integer(pool.id), .text(spec.name)], row: { _ in true }) != nil
        {
            throw StoreError(.alreadyExists, "queue '\(spec.name)' already exists in pool '\(poolName)'")
        }
        let existing = try priorities(db, pool: pool.id)
        let priority = spec.priority ?? QueuePriorities.firstFree(existing.map(\.priority))
        // The new row gets a parked priority; its final priority is applied after the shift.
        let id = try db.insertReturningID(
            """
            INSERT INTO work_queues (pool_id, name, priority, concurrency_limit, is_paused, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(pool.id), .text(spec.name), .integer(parkedPriority),
                .int(spec.concurrencyLimit), .bool(spec.isPaused), .date(now),
            ]
        )
        try applyPriorities(db, QueuePriorities.place(target: id, at: priority, among: existing))
        return try findQueue(db, pool: pool, spec.name)
    }

    static func listQueues(_ db: some SQLQuerying, pool poolName: String) throws -> [WorkQueue] {
        let pool = try findPool(db, poolName)
        var queues: [WorkQueue] = []
        try db.query(queueColumns + " WHERE q.pool_id = ? ORDER BY q.priority", [.integer(pool.id)]) {
            queues.append(queue($0))
        }
        return queues
    }

    static func updateQueue(
        _ db: some SQLQuerying,
        pool poolName: String,
        named name: String,
        _ update: WorkQueueUpdate,
        dialect: SQLDialect
    ) throws -> WorkQueue {
        let pool = try findPool(db, poolName)
        try lockPool(db, id: pool.id, dialect: dialect)
        var queue = try findQueue(db, pool: pool, name)
        if let paused = update.isPaused { queue.isPaused = paused }
        if case .some(let limit) = update.concurrencyLimit { queue.concurrencyLimit = limit }
        try db.run(
            "UPDATE work_queues SET is_paused = ?, concurrency_limit = ? WHERE id = ?",
            [.bool(queue.isPaused), .int(queue.concurrencyLimit), .integer(queue.id)]
        )
        if let priority = update.priority, priority != queue.priority {
            let existing = try priorities(db, pool: pool.id)
            try applyPriorities(db, QueuePriorities.place(target: queue.id, at: priority, among: existing))
        }
        return try findQueue(db, pool: pool, name)
    }

    /// Deletes a queue; refused for the default queue and while deployments or unfinished runs use it.
    static func deleteQueue(_ db: some SQLQuerying, pool poolName: String, named name: String, dialect: SQLDialect) throws {
        let pool = try findPool(db, poolName)
        try lockPool(db, id: pool.id, dialect: dialect)
        let queue = try findQueue(db, pool: pool, name)
        if queue.isDefault {
            throw StoreError(.conflict, "queue 'default' of pool '\(poolName)' is the pool's default queue and cannot be deleted")
        }
        // FOR UPDATE holds off new deployments and runs on this queue (their foreign key checks).
        try lockRow(db, table: "work_queues", column: "id", .integer(queue.id), mode: "UPDATE", dialect: dialect)
        let deployments = try db.first("SELECT COUNT(*) FROM deployments WHERE queue_id = ?", [.integer(queue.id)]) { $0.int(0) } ?? 0
        if deployments > 0 {
            throw StoreError(.conflict, "queue '\(name)' of pool '\(poolName)' is used by \(deployments) deployment(s); it was not deleted")
        }
        let open =
            try db.first(
                """
                SELECT COUNT(*) FROM flow_runs WHERE queue_id = ?
                AND state NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')
                """,
                [.integer(queue.id)]
            ) { $0.int(0) } ?? 0
        if open > 0 {
            throw StoreError(.conflict, "queue '\(name)' of pool '\(poolName)' has \(open) unfinished run(s); it was not deleted")
        }
        try db.run("DELETE FROM work_queues WHERE id = ?", [.integer(queue.id)])
    }
}
