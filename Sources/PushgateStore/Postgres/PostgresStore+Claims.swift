import Foundation
import PushgateCore

extension PostgresStore {
    /// The same selection as ``SQLiteStore``'s claim, made exact across replicas by the pool's advisory lock
    /// (see ``PostgresStore``).
    package func claim(
        pool poolName: String,
        owner: String,
        limit: Int,
        leaseDuration: TimeInterval,
        now: Date
    ) async throws
        -> [FlowRun]
    {
        try Self.validateClaim(pool: poolName, owner: owner, limit: limit, leaseDuration: leaseDuration)
        return try await write { db in
            try Self.claim(db, pool: poolName, owner: owner, limit: limit, leaseDuration: leaseDuration, now: now, dialect: .postgres)
        }
    }

    package func preview(pool poolName: String, now: Date, upcoming: Int) async throws -> [PreviewEntry] {
        try await read { db in try Self.preview(db, pool: poolName, now: now, upcoming: upcoming) }
    }

    package func nextScheduledTime(after now: Date) async throws -> Date? {
        try await read { db in try Self.nextScheduledTime(db, after: now) }
    }

    package func markLateRuns(now: Date) async throws -> Int {
        var total = 0
        while true {
            let batch = try await write { db in try Self.markLateBatch(db, now: now, dialect: .postgres) }
            total += batch.changed
            if batch.seen < Self.lateBatchSize { return total }
        }
    }
}
