import Foundation
import PushgateCore

/// Every transition locks its run first, so a check and the write that follows it see the same state
/// even when replicas act on one run at once.
extension PostgresStore {
    package func markSubmitted(runID: String, owner: String, providerHandle: String, now: Date) async throws -> FlowRun {
        guard !providerHandle.isEmpty else { throw StoreError(.invalidInput, "run '\(runID)': provider handle must not be empty") }
        return try await write { db in
            let run = try Self.lockedRun(db, runID)
            guard run.state == .pending || run.state == .cancelling else {
                throw StoreError(.invalidTransition, "run '\(runID)' is \(run.state.displayName); only a claimed run can be submitted")
            }
            guard run.leaseOwner == owner else {
                throw StoreError(.leaseNotHeld, "run '\(runID)' is claimed by \(run.leaseOwner ?? "nobody"), not \(owner)")
            }
            if let existing = run.providerHandle {
                if existing == providerHandle { return run }
                throw StoreError(.conflict, "run '\(runID)' was already submitted as '\(existing)'")
            }
            try db.run("UPDATE flow_runs SET provider_handle = ? WHERE id = ?", [.text(providerHandle), .text(runID)])
            try Self.record(db, run: runID, from: run.state, to: run.state, at: now, reason: "submitted as \(providerHandle)")
            return try Self.findRun(db, runID)
        }
    }

    package func markRunning(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await transition(runID: runID, to: .running, reason: reason, now: now)
    }

    package func markTerminal(runID: String, state: RunState, reason: String, now: Date) async throws -> FlowRun {
        guard state.isTerminal else {
            throw StoreError(.invalidInput, "run '\(runID)': \(state.displayName) is not a terminal state")
        }
        return try await transition(runID: runID, to: state, reason: reason, now: now)
    }

    package func requestCancel(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in
            let run = try Self.lockedRun(db, runID)
            switch RunStateMachine.cancel(from: run.state) {
            case .cancelNow:
                try Self.setState(db, run, to: .cancelled, reason: reason, now: now, clearLease: true)
            case .requestCancelling:
                try Self.setState(db, run, to: .cancelling, reason: reason, now: now, clearLease: false)
            case .alreadyCancelling:
                return run
            case .reject(let message):
                throw StoreError(.invalidTransition, "run '\(runID)': \(message)")
            }
            return try Self.findRun(db, runID)
        }
    }

    package func renewLease(runID: String, owner: String, until: Date, now: Date) async throws -> FlowRun {
        try await write { db in
            let run = try Self.lockedRun(db, runID)
            guard run.state == .pending || run.state == .cancelling, run.leaseOwner == owner else {
                throw StoreError(.leaseNotHeld, "run '\(runID)' is \(run.state.displayName) and not leased by \(owner)")
            }
            try db.run("UPDATE flow_runs SET lease_expires_at = ? WHERE id = ?", [.date(until), .text(runID)])
            return try Self.findRun(db, runID)
        }
    }

    package func releaseClaim(runID: String, owner: String, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in
            try Self.release(db, try Self.lockedRun(db, runID), owner: owner, reason: reason, now: now)
        }
    }

    /// Expired leases are read with `FOR UPDATE SKIP LOCKED`: replicas reclaiming at once split the runs
    /// between them, and a run whose owner is renewing right now is left alone.
    package func reclaimExpiredLeases(pool poolName: String, owner: String, leaseDuration: TimeInterval, now: Date, limit: Int)
        async throws -> [FlowRun]
    {
        guard !owner.isEmpty, leaseDuration > 0, limit > 0 else {
            throw StoreError(.invalidInput, "reclaim in pool '\(poolName)': owner, lease duration and limit must be set")
        }
        return try await write { db in
            let pool = try Self.findPool(db, poolName)
            var expired: [FlowRun] = []
            try db.query(
                Self.runColumns + """
                     WHERE r.pool_id = ? AND r.state IN ('PENDING', 'CANCELLING') AND r.lease_expires_at < ?
                    ORDER BY r.lease_expires_at LIMIT ? FOR NO KEY UPDATE OF r SKIP LOCKED
                    """,
                [.integer(pool.id), .date(now), .integer(Int64(limit))]
            ) { expired.append(Self.run($0)) }
            var result: [FlowRun] = []
            for run in expired {
                try db.run(
                    "UPDATE flow_runs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                    [.text(owner), .date(now.addingTimeInterval(leaseDuration)), .text(run.id)]
                )
                let reason = "lease of \(run.leaseOwner ?? "nobody") expired; taken over by \(owner) (attempt \(run.attempt) unchanged)"
                try Self.record(db, run: run.id, from: run.state, to: run.state, at: now, reason: reason)
                result.append(try Self.findRun(db, run.id))
            }
            return result
        }
    }

    /// A state change checked by ``RunStateMachine``; a repeat of the current state changes nothing.
    private func transition(runID: String, to state: RunState, reason: String, now: Date) async throws -> FlowRun {
        try await write { db in
            let run = try Self.lockedRun(db, runID)
            switch RunStateMachine.decide(from: run.state, to: state) {
            case .accept:
                try Self.setState(db, run, to: state, reason: reason, now: now, clearLease: true)
                return try Self.findRun(db, runID)
            case .ignore:
                return run
            case .reject(let message):
                throw StoreError(.invalidTransition, "run '\(runID)': \(message)")
            }
        }
    }

    /// The run, read after locking its row for this transaction.
    static func lockedRun(_ db: PostgresSession, _ id: String) throws -> FlowRun {
        try lockRow(db, table: "flow_runs", column: "id", .text(id), dialect: .postgres)
        return try findRun(db, id)
    }
}
