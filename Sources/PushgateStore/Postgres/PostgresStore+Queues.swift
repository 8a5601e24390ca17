import Foundation
import PushgateCore

/// Queue changes hold the pool's advisory lock, so priority shifting never interleaves with another
/// change of the same pool's queues (or with its claims).
extension PostgresStore {
    package func createQueue(pool poolName: String, _ spec: WorkQueueSpec, now: Date) async throws -> WorkQueue {
        try StoreValidation.name(spec.name, of: "queue")
        let place = "queue '\(spec.name)' of pool '\(poolName)'"
        try StoreValidation.limit(spec.concurrencyLimit, of: place)
        if let priority = spec.priority { try StoreValidation.priority(priority, of: place) }
        return try await write { db in
            let pool = try Self.findPool(db, poolName)
            try Self.lockPool(db, id: pool.id)
            if try db.first("SELECT 1 FROM work_queues WHERE pool_id = ? AND name = ?", [.integer(pool.id), .text(spec.name)], row: { _ in true }) != nil {
                throw StoreError(.alreadyExists, "queue '\(spec.name)' already exists in pool '\(poolName)'")
            }
            let existing = try Self.priorities(db, pool: pool.id)
            let priority = spec.priority ?? QueuePriorities.firstFree(existing.map(\.priority))
            // The new row gets a parked priority; its final priority is applied after the shift.
            let id = try db.first(
                """
                INSERT INTO work_queues (pool_id, name, priority, concurrency_limit, is_paused, created_at)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    .integer(pool.id), .text(spec.name), .integer(Self.parkedPriority),
                    .int(spec.concurrencyLimit), .bool(spec.isPaused), .date(now),
                ]
            ) { $0.int64(0) } ?? 0
            try Self.applyPriorities(db, QueuePriorities.place(target: id, at: priority, among: existing))
            return try Self.findQueue(db, pool: pool, spec.name)
        }
    }

    package func queue(pool poolName: String, named name: String) async throws -> WorkQueue {
        try await read { db in try Self.findQueue(db, pool: try Self.findPool(db, poolName), name) }
    }

    package func queues(pool poolName: String) async throws -> [WorkQueue] {
        try await read { db in
            let pool = try Self.findPool(db, poolName)
            var queues: [WorkQueue] = []
            try db.query(Self.queueColumns + " WHERE q.pool_id = ? ORDER BY q.priority", [.integer(pool.id)]) {
                queues.append(Self.queue($0))
            }
            return queues
        }
    }

    package func updateQueue(pool poolName: String, named name: String, _ update: WorkQueueUpdate, now: Date) async throws
        -> WorkQueue
    {
        let place = "queue '\(name)' of pool '\(poolName)'"
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: place) }
        if let priority = update.priority { try StoreValidation.priority(priority, of: place) }
        return try await write { db in
            let pool = try Self.findPool(db, poolName)
            try Self.lockPool(db, id: pool.id)
            var queue = try Self.findQueue(db, pool: pool, name)
            if let paused = update.isPaused { queue.isPaused = paused }
            if case .some(let limit) = update.concurrencyLimit { queue.concurrencyLimit = limit }
            try db.run(
                "UPDATE work_queues SET is_paused = ?, concurrency_limit = ? WHERE id = ?",
                [.bool(queue.isPaused), .int(queue.concurrencyLimit), .integer(queue.id)]
            )
            if let priority = update.priority, priority != queue.priority {
                let existing = try Self.priorities(db, pool: pool.id)
                try Self.applyPriorities(db, QueuePriorities.place(target: queue.id, at: priority, among: existing))
            }
            return try Self.findQueue(db, pool: pool, name)
        }
    }

    package func deleteQueue(pool poolName: String, named name: String) async throws {
        try await write { db in
            let pool = try Self.findPool(db, poolName)
            try Self.lockPool(db, id: pool.id)
            let queue = try Self.findQueue(db, pool: pool, name)
            if queue.isDefault {
                throw StoreError(.conflict, "queue 'default' of pool '\(poolName)' is the pool's default queue and cannot be deleted")
            }
            // FOR UPDATE holds off new deployments and runs on this queue (their foreign key checks).
            try Self.lockRow(db, table: "work_queues", column: "id", .integer(queue.id), mode: "UPDATE")
            let deployments = try db.first("SELECT COUNT(*) FROM deployments WHERE queue_id = ?", [.integer(queue.id)]) { $0.int(0) } ?? 0
            if deployments > 0 {
                throw StoreError(.conflict, "queue '\(name)' of pool '\(poolName)' is used by \(deployments) deployment(s); it was not deleted")
            }
            let open = try db.first(
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
}
