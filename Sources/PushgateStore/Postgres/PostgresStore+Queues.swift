import Foundation
import PushgateCore

extension PostgresStore {
    package func createQueue(pool poolName: String, _ spec: WorkQueueSpec, now: Date) async throws -> WorkQueue {
        try Self.validate(spec, pool: poolName)
        return try await write { db in try Self.insertQueue(db, pool: poolName, spec, now: now, dialect: .postgres) }
    }

    package func queue(pool poolName: String, named name: String) async throws -> WorkQueue {
        try await read { db in try Self.findQueue(db, pool: try Self.findPool(db, poolName), name) }
    }

    package func queues(pool poolName: String) async throws -> [WorkQueue] {
        try await read { db in try Self.listQueues(db, pool: poolName) }
    }

    package func updateQueue(
        pool poolName: String,
        named name: String,
        _ update: WorkQueueUpdate,
        now: Date
    ) async throws
        -> WorkQueue
    {
        try Self.validate(update, of: name, pool: poolName)
        return try await write { db in try Self.updateQueue(db, pool: poolName, named: name, update, dialect: .postgres) }
    }

    package func deleteQueue(pool poolName: String, named name: String) async throws {
        try await write { db in try Self.deleteQueue(db, pool: poolName, named: name, dialect: .postgres) }
    }
}
