import Foundation
import PushgateCore

/// Run state changes and leases, run by both stores inside their own transactions. On PostgreSQL every
/// change locks its run first, so a check and the write that follows it see the same state even when
/// replicas act on one run at once.
extension SQLStore {
    static func validateTerminal(runID: String, state: RunState) throws {
        guard state.isTerminal else {
            throw StoreError(.invalidInput, "run '\(runID)': \(state.displayName) is not a terminal state")
        }
    }

    static func validateSubmission(runID: String, providerHandle: String) throws {
        guard !providerHandle.isEmpty else { throw StoreError(.invalidInput, "run '\(runID)': provider handle must not be empty") }
    }

    static func validateReclaim(pool poolName: String, owner: String, leaseDuration: TimeInterval, limit: Int) throws {
        guard !owner.isEmpty, leaseDuration > 0, limit > 0 else {
            throw StoreError(.invalidInput, "reclaim in pool '\(poolName)': owner, lease duration and limit must be set")
        }
    }

    /// Records a claimed run's provider handle; repeating the same handle changes nothing.
    static func recordSubmission(
        _ db: some SQLQuerying,
        runID: String,
        owner: String,
        providerHandle: String,
        templateVersion: Int?,
        now: Date,
        dialect: SQLDialect
    ) throws -> FlowRun {
        let run = try lockedRun(db, runID, dialect: dialect)
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
        try db.run(
            "UPDATE flow_runs SET provider_handle = ?, template_version = ? WHERE id = ?",
            [.text(providerHandle), .int(templateVersion), .text(runID)]
        )
        try record(db, run: runID, from: run.state, to: run.state, at: now, reason: "submitted as \(providerHandle)")
        return try findRun(db, runID)
    }

    /// A state change checked by ``RunStateMachine``; a repeat of the current state changes nothing.
    static func transition(
        _ db: some SQLQuerying,
        runID: String,
        to state: RunState,
        reason: String,
        now: Date,
        dialect: SQLDialect
    )
        throws -> FlowRun
    {
        let run = try lockedRun(db, runID, dialect: dialect)
        switch RunStateMachine.decide(from: run.state, to: state) {
        case .accept:
            try setState(db, run, to: state, reason: reason, now: now, clearLease: true)
            if state.isTerminal, let handle = run.providerHandle { try enqueueCleanup(db, runID: runID, handle: handle, now: now) }
            return try findRun(db, runID)
        case .ignore:
            return run
        case .reject(let message):
            throw StoreError(.invalidTransition, "run '\(runID)': \(message)")
        }
    }

    static func requestCancel(_ db: some SQLQuerying, runID: String, reason: String, now: Date, dialect: SQLDialect) throws -> FlowRun {
        let run = try lockedRun(db, runID, dialect: dialect)
        switch RunStateMachine.cancel(from: run.state) {
        case .cancelNow:
            try setState(db, run, to: .cancelled, reason: reason, now: now, clearLease: true)
        case .requestCancelling:
            try setState(db, run, to: .cancelling, reason: reason, now: now, clearLease: false)
        case .alreadyCancelling:
            return run
        case .reject(let message):
            throw StoreError(.invalidTransition, "run '\(runID)': \(message)")
        }
        return try findRun(db, runID)
    }

    static func renewLease(_ db: some SQLQuerying, runID: String, owner: String, until: Date, dialect: SQLDialect) throws -> FlowRun {
        let run = try lockedRun(db, runID, dialect: dialect)
        guard run.state == .pending || run.state == .cancelling, run.leaseOwner == owner else {
            throw StoreError(.leaseNotHeld, "run '\(runID)' is \(run.state.displayName) and not leased by \(owner)")
        }
        try db.run("UPDATE flow_runs SET lease_expires_at = ? WHERE id = ?", [.date(until), .text(runID)])
        return try findRun(db, runID)
    }

    /// Takes over runs whose lease expired, keeping their state and attempt. PostgreSQL reads them with
    /// `FOR UPDATE SKIP LOCKED`: replicas reclaiming at once split the runs between them, and a run whose
    /// owner is renewing right now is left alone.
    static func reclaimExpiredLeases(
        _ db: some SQLQuerying,
        pool poolName: String,
        owner: String,
        leaseDuration: TimeInterval,
        now: Date,
        limit: Int,
        dialect: SQLDialect
    ) throws -> [FlowRun] {
        let pool = try findPool(db, poolName)
        var expired: [FlowRun] = []
        try db.query(
            runColumns + """
                 WHERE r.pool_id = ? AND r.state IN ('PENDING', 'CANCELLING') AND r.lease_expires_at < ?
                ORDER BY r.lease_expires_at LIMIT ?
                """ + dialect.lockSuffix("FOR NO KEY UPDATE OF r SKIP LOCKED"),
            [.integer(pool.id), .date(now), .integer(Int64(limit))]
        ) { expired.append(run($0)) }
        var result: [FlowRun] = []
        for run in expired {
            try db.run(
                "UPDATE flow_runs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                [.text(owner), .date(now.addingTimeInterval(leaseDuration)), .text(run.id)]
            )
            let reason = "lease of \(run.leaseOwner ?? "nobody") expired; taken over by \(owner) (attempt \(run.attempt) unchanged)"
            try record(db, run: run.id, from: run.state, to: run.state, at: now, reason: reason)
            result.append(try findRun(db, run.id))
        }
        return result
    }
}
