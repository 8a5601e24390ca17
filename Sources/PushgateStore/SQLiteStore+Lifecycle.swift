import Foundation
import PushgateCore

extension SQLiteStore {
    package func markRunning(runID: String, reason: String, now: Date) async throws -> FlowRun {
        try await transition(runID: runID, to: .running, reason: reason, now: now)
    }

    package func markTerminal(runID: String, state: RunState, reason: String, now: Date) async throws -> FlowRun {
        guard state.isTerminal else {
            throw StoreError(.invalidInput, "run '\(runID)': \(state.displayName) is not a terminal state")
        }
        return try await transition(runID: runID, to: state, reason: reason, now: now)
    }

    package func requestCancel(runID: String, reason: String, now: Date) throws -> FlowRun {
        try write { db in
            let run = try Self.findRun(db, runID)
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

    package func renewLease(runID: String, owner: String, until: Date, now: Date) throws -> FlowRun {
        try write { db in
            let run = try Self.findRun(db, runID)
            guard run.state == .pending || run.state == .cancelling, run.leaseOwner == owner else {
                throw StoreError(.leaseNotHeld, "run '\(runID)' is \(run.state.displayName) and not leased by \(owner)")
            }
            try db.run("UPDATE flow_runs SET lease_expires_at = ? WHERE id = ?", [.date(until), .text(runID)])
            return try Self.findRun(db, runID)
        }
    }

    package func releaseClaim(runID: String, owner: String, reason: String, now: Date) throws -> FlowRun {
        try write { db in
            try Self.release(db, try Self.findRun(db, runID), owner: owner, reason: reason, now: now)
        }
    }

    package func reclaimExpiredLeases(pool poolName: String, owner: String, leaseDuration: TimeInterval, now: Date, limit: Int)
        throws -> [FlowRun]
    {
        guard !owner.isEmpty, leaseDuration > 0, limit > 0 else {
            throw StoreError(.invalidInput, "reclaim in pool '\(poolName)': owner, lease duration and limit must be set")
        }
        return try write { db in
            let pool = try Self.findPool(db, poolName)
            var expired: [FlowRun] = []
            try db.query(
                Self.runColumns + """
                     WHERE r.pool_id = ? AND r.state IN ('PENDING', 'CANCELLING') AND r.lease_expires_at < ?
                    ORDER BY r.lease_expires_at LIMIT ?
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
    /// One state change of one run, group-committed with concurrent ones (the poller applies a pass's
    /// changes at once).
    private func transition(runID: String, to state: RunState, reason: String, now: Date) async throws -> FlowRun {
        try await groupWrite { db in
            let run = try Self.findRun(db, runID)
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
}
