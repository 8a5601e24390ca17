import Foundation
import PushgateCore

/// In-transaction writes both SQL stores share.
extension SQLStore {
    static func setState(
        _ db: some SQLQuerying,
        _ run: FlowRun,
        to state: RunState,
        reason: String,
        now: Date,
        clearLease: Bool
    )
        throws
    {
        let sql =
            clearLease
            ? """
            UPDATE flow_runs SET state = ?, state_reason = ?, state_changed_at = ?, tracking_note = NULL, lease_owner = NULL,
            lease_expires_at = NULL WHERE id = ?
            """
            : "UPDATE flow_runs SET state = ?, state_reason = ?, state_changed_at = ?, tracking_note = NULL WHERE id = ?"
        try db.run(sql, [.text(state.rawValue), .text(reason), .date(now), .text(run.id)])
        try record(db, run: run.id, from: run.state, to: state, at: now, reason: reason)
    }

    static func priorities(_ db: some SQLQuerying, pool: Int64) throws -> [(id: Int64, priority: Int)] {
        var result: [(id: Int64, priority: Int)] = []
        try db.query("SELECT id, priority FROM work_queues WHERE pool_id = ? ORDER BY priority", [.integer(pool)]) {
            result.append(($0.int64(0), $0.int(1)))
        }
        return result
    }

    /// A priority no real queue has (priorities are at most ``StoreValidation/maxPriority``), used while
    /// rows are being renumbered.
    static var parkedPriority: Int64 { 1_500_000_000 }

    /// Writes new priorities without ever holding a duplicate (the unique index is checked per row): the
    /// changed rows first move to unique parked values, then to their final ones.
    static func applyPriorities(_ db: some SQLQuerying, _ priorities: [Int64: Int]) throws {
        var current: [Int64: Int] = [:]
        for id in priorities.keys {
            current[id] = try db.first("SELECT priority FROM work_queues WHERE id = ?", [.integer(id)]) { $0.int(0) }
        }
        let changed = priorities.filter { current[$0.key] != $0.value }
        for id in changed.keys {
            try db.run("UPDATE work_queues SET priority = ? WHERE id = ?", [.integer(Self.parkedPriority + 1 + id), .integer(id)])
        }
        for (id, priority) in changed {
            try db.run("UPDATE work_queues SET priority = ? WHERE id = ?", [.integer(Int64(priority)), .integer(id)])
        }
    }

    /// Gives a claimed, never-submitted run back to its queue (Pending → Scheduled).
    static func release(_ db: some SQLQuerying, _ run: FlowRun, owner: String, reason: String, now: Date) throws -> FlowRun {
        guard run.state == .pending, run.leaseOwner == owner else {
            throw StoreError(.leaseNotHeld, "run '\(run.id)' is \(run.state.displayName) and not leased by \(owner)")
        }
        if let handle = run.providerHandle {
            throw StoreError(.conflict, "run '\(run.id)' was submitted as '\(handle)'; it cannot go back to its queue")
        }
        try setState(db, run, to: .scheduled, reason: reason, now: now, clearLease: true)
        return try findRun(db, run.id)
    }

    /// The run a create just inserted, as the store will read it back (times at millisecond precision).
    static func scheduledRun(
        id: String,
        deployment: Deployment,
        scheduled: Date,
        jobVariables: String?,
        idempotencyKey: String?,
        reason: String,
        now: Date
    ) -> FlowRun {
        let storedNow = SQLValue.date(milliseconds: SQLValue.milliseconds(now))
        return FlowRun(
            id: id,
            deploymentID: deployment.id,
            deploymentName: deployment.name,
            poolID: deployment.poolID,
            poolName: deployment.poolName,
            queueID: deployment.queueID,
            queueName: deployment.queueName,
            scheduledTime: SQLValue.date(milliseconds: SQLValue.milliseconds(scheduled)),
            jobVariables: jobVariables,
            idempotencyKey: idempotencyKey,
            state: .scheduled,
            stateReason: reason,
            stateChangedAt: storedNow,
            attempt: 0,
            providerHandle: nil,
            leaseOwner: nil,
            leaseExpiresAt: nil,
            createdAt: storedNow
        )
    }
}
