import Foundation
import PushgateCore

extension PostgresStore {
    /// One transaction per call; SQLite's store commits concurrent submissions together instead.
    package func markSubmitted(runID: String, owner: String, providerHandle: String, templateVersion: Int?, now: Date) async throws -> FlowRun {
        try Self.validateSubmission(runID: runID, providerHandle: providerHandle)
        return try await write { db in
            try Self.recordSubmission(
                db,
                runID: runID,
                owner: owner,
                providerHandle: providerHandle,
                templateVersion: templateVersion,
                now: now,
                dialect: .postgres
            )
        }
    }

    package func markRunning(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in try Self.transition(db, runID: runID, to: .running, reason: reason, now: now, dialect: .postgres) }
    }

    package func markTerminal(runID: String, state: RunState, reason: String, now: Date) async throws -> FlowRun {
        try Self.validateTerminal(runID: runID, state: state)
        return try await write { db in try Self.transition(db, runID: runID, to: state, reason: reason, now: now, dialect: .postgres) }
    }

    package func requestCancel(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in try Self.requestCancel(db, runID: runID, reason: reason, now: now, dialect: .postgres) }
    }

    package func renewLease(runID: String, owner: String, until: Date, now: Date) async throws -> FlowRun {
        try await write { db in try Self.renewLease(db, runID: runID, owner: owner, until: until, dialect: .postgres) }
    }

    package func releaseClaim(runID: String, owner: String, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in
            try Self.release(db, try Self.lockedRun(db, runID, dialect: .postgres), owner: owner, reason: reason, now: now)
        }
    }

    package func reclaimExpiredLeases(
        pool poolName: String,
        owner: String,
        leaseDuration: TimeInterval,
        now: Date,
        limit: Int
    )
        async throws -> [FlowRun]
    {
        try Self.validateReclaim(pool: poolName, owner: owner, leaseDuration: leaseDuration, limit: limit)
        return try await write { db in
            try Self.reclaimExpiredLeases(
                db,
                pool: poolName,
                owner: owner,
                leaseDuration: leaseDuration,
                now: now,
                limit: limit,
                dialect: .postgres
            )
        }
    }
}
