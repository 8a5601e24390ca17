import Foundation
import PushgateCore

extension SQLiteStore {
    package func createQueue(pool poolName: String, _ spec: WorkQueueSpec, now: Date) throws -> WorkQueue {
        try StoreValidation.name(spec.name, of: "queue")
        let place = "queue '\(spec.name)' of pool '\(poolName)'"
        try StoreValidation.limit(spec.concurrencyLimit, of: place)
        if let priority = spec.priority { try StoreValidation.priority(priority, of: place) }
        return try write { db in
            let pool = try Self.findPool(db, poolName)
            if try db.first("SELECT 1 FROM work_queues WHERE pool_id = ? AND name = ?", [.integer(pool.id), .text(spec.name)], row: { _ in true }) != nil {
                throw StoreError(.alreadyExists, "queue '\(spec.name)' already exists in pool '\(poolName)'")
            }
            let existing = try Self.priorities(db, pool: pool.id)
            let priority = spec.priority ?? QueuePriorities.firstFree(existing.map(\.priority))
            // The new row gets a placeholder id; its final priority is applied after the shift.
            try db.run(
                """
                INSERT INTO work_queues (pool_id, name, priority, concurrency_limit, is_paused, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(pool.id), .text(spec.name), .integer(Self.parkedPriority),
                    .int(spec.concurrencyLimit), .bool(spec.isPaused), .date(now),
                ]
            )
            let id = db.lastInsertRowID
            try Self.applyPriorities(db, QueuePriorities.place(target: id, at: priority, among: existing))
            return try Self.findQueue(db, pool: pool, spec.name)
        }
    }

    package func queue(pool poolName: String, named name: String) throws -> WorkQueue {
        try read { db in try Self.findQueue(db, pool: try Self.findPool(db, poolName), name) }
    }

    package func queues(pool poolName: String) throws -> [WorkQueue] {
        try read { db in
            let pool = try Self.findPool(db, poolName)
            var queues: [WorkQueue] = []
            try db.query(Self.queueColumns + " WHERE q.pool_id = ? ORDER BY q.priority", [.integer(pool.id)]) {
                queues.append(Self.queue($0))
            }
            return queues
        }
    }

    package func updateQueue(pool poolName: String, named name: String, _ update: WorkQueueUpdate, now: Date) throws -> WorkQueue {
        let place = "queue '\(name)' of pool '\(poolName)'"
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: place) }
        if let priority = update.priority { try StoreValidation.priority(priority, of: place) }
        return try write { db in
            let pool = try Self.findPool(db, poolName)
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

    package func deleteQueue(pool poolName: String, named name: String) throws {
        try write { db in
            let pool = try Self.findPool(db, poolName)
            let queue = try Self.findQueue(db, pool: pool, name)
            if queue.isDefault {
                throw StoreError(.conflict, "queue 'default' of pool '\(poolName)' is the pool's default queue and cannot be deleted")
            }
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
