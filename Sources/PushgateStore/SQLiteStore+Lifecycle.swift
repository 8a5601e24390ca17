import Foundation
import PushgateCore

extension SQLiteStore {
    /// State changes are group-committed with concurrent ones (the poller applies a pass's changes at once).
    package func markRunning(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await groupWrite { db in try Self.transition(db, runID: runID, to: .running, reason: reason, now: now, dialect: .sqlite) }
    }

    package func markTerminal(runID: String, state: RunState, reason: String, now: Date) async throws -> FlowRun {
        try Self.validateTerminal(runID: runID, state: state)
        return try await groupWrite { db in try Self.transition(db, runID: runID, to: state, reason: reason, now: now, dialect: .sqlite) }
    }

    package func requestCancel(runID: String, reason: String, now: Date) throws -> FlowRun {
        try write { db in try Self.requestCancel(db, runID: runID, reason: reason, now: now, dialect: .sqlite) }
    }

    package func renewLease(runID: String, owner: String, until: Date, now: Date) throws -> FlowRun {
        try write { db in try Self.renewLease(db, runID: runID, owner: owner, until: until, dialect: .sqlite) }
    }

    package func releaseClaim(runID: String, owner: String, reason: String, now: Date) throws -> FlowRun {
        try write { db in try Self.release(db, try Self.lockedRun(db, runID, dialect: .sqlite), owner: owner, reason: reason, now: now) }
    }

    package func reclaimExpiredLeases(
        pool poolName: String,
        owner: String,
        leaseDuration: TimeInterval,
        now: Date,
        limit: Int
    )
        throws -> [FlowRun]
    {
        try Self.validateReclaim(pool: poolName, owner: owner, leaseDuration: leaseDuration, limit: limit)
        return try write { db in
            try Self.reclaimExpiredLeases(
                db,
                pool: poolName,
                owner: owner,
                leaseDuration: leaseDuration,
                now: now,
                limit: limit,
                dialect: .sqlite
            )
        }
    }
}
