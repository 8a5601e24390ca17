import Foundation
import PushgateCore

extension SQLiteStore {
    package func createQueue(pool poolName: String, _ spec: WorkQueueSpec, now: Date) throws -> WorkQueue {
        try Self.validate(spec, pool: poolName)
        return try write { db in try Self.insertQueue(db, pool: poolName, spec, now: now, dialect: .sqlite) }
    }

    package func queue(pool poolName: String, named name: String) throws -> WorkQueue {
        try read { db in try Self.findQueue(db, pool: try Self.findPool(db, poolName), name) }
    }

    package func queues(pool poolName: String) throws -> [WorkQueue] {
        try read { db in try Self.listQueues(db, pool: poolName) }
    }

    package func updateQueue(pool poolName: String, named name: String, _ update: WorkQueueUpdate, now: Date) throws -> WorkQueue {
        try Self.validate(update, of: name, pool: poolName)
        return try write { db in try Self.updateQueue(db, pool: poolName, named: name, update, dialect: .sqlite) }
    }

    package func deleteQueue(pool poolName: String, named name: String) throws {
        try write { db in try Self.deleteQueue(db, pool: poolName, named: name, dialect: .sqlite) }
    }
}
