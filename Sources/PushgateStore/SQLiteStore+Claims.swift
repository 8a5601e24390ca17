import Foundation
import PushgateCore

extension SQLiteStore {
    package func claim(
        pool poolName: String,
        owner: String,
        limit: Int,
        leaseDuration: TimeInterval,
        now: Date
    ) throws
        -> [FlowRun]
    {
        try Self.validateClaim(pool: poolName, owner: owner, limit: limit, leaseDuration: leaseDuration)
        return try write { db in
            try Self.claim(db, pool: poolName, owner: owner, limit: limit, leaseDuration: leaseDuration, now: now, dialect: .sqlite)
        }
    }

    package func preview(pool poolName: String, now: Date, upcoming: Int) throws -> [PreviewEntry] {
        try read { db in try Self.preview(db, pool: poolName, now: now, upcoming: upcoming) }
    }

    package func nextScheduledTime(after now: Date) throws -> Date? {
        try Self.nextScheduledTime(try db(), after: now)
    }

    package func markLateRuns(now: Date) throws -> Int {
        var total = 0
        while true {
            let batch = try write { db in try Self.markLateBatch(db, now: now, dialect: .sqlite) }
            total += batch.changed
            if batch.seen < Self.lateBatchSize { return total }
        }
    }
}
