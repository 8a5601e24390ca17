import Foundation
import PushgateCore

/// Claims, previews and late marking, run by both stores inside their own transactions. On PostgreSQL a
/// claim holds its pool's lock and locks the candidates it reads, which keeps the limits exact across replicas.
extension SQLStore {
    static func validateClaim(pool poolName: String, owner: String, limit: Int, leaseDuration: TimeInterval) throws {
        guard limit > 0 else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': limit must be 1 or more") }
        guard !owner.isEmpty else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': owner must not be empty") }
        guard leaseDuration > 0 else {
            throw StoreError(.invalidInput, "claim from pool '\(poolName)': lease duration must be positive")
        }
    }

    /// Moves the runs the selection picks to Pending under `owner`'s lease; the pool row, queue counts and
    /// candidates are read after the pool's lock is held.
    static func claim(
        _ db: some SQLQuerying,
        pool poolName: String,
        owner: String,
        limit: Int,
        leaseDuration: TimeInterval,
        now: Date,
        dialect: SQLDialect
    ) throws -> [FlowRun] {
        let pool = try lockedPool(db, poolName, dialect: dialect)
        if pool.isPaused { return [] }
        var context = try SelectionContext(db, pool: pool, lockingCandidates: dialect.takesLocks)
        let decisions = try context.claimDecisions(pool: pool, limit: limit, now: now)

        var claimed: [FlowRun] = []
        let at = try claimTime(db, now: now)
        let expires = at.addingTimeInterval(leaseDuration)
        for decision in decisions where decision.verdict == .next {
            let id = decision.candidate.runID
            let from = context.states[id] ?? .scheduled
            let changed = try db.run(
                """
                UPDATE flow_runs SET state = 'PENDING', state_reason = ?, state_changed_at = ?, attempt = attempt + 1,
                lease_owner = ?, lease_expires_at = ? WHERE id = ? AND state IN ('SCHEDULED', 'LATE')
                """,
                [.text("claimed by \(owner)"), .date(at), .text(owner), .date(expires), .text(id)]
            )
            guard changed == 1 else { continue }
            try record(db, run: id, from: from, to: .pending, at: at, reason: "claimed by \(owner)")
            claimed.append(try findRun(db, id))
        }
        try db.run(
            "UPDATE work_queues SET last_considered_at = ? WHERE pool_id = ? AND is_paused = 0",
            [.date(at), .integer(pool.id)]
        )
        return claimed
    }

    static func preview(_ db: some SQLQuerying, pool poolName: String, now: Date, upcoming: Int) throws -> [PreviewEntry] {
        let perQueue = max(1, upcoming)
        let pool = try findPool(db, poolName)
        var context = try SelectionContext(db, pool: pool)
        var candidates: [SelectionCandidate] = []
        for queue in context.snapshot.queues {
            candidates += try context.dueCandidates(queue.id, now: now, limit: perQueue)
            candidates += try context.upcomingCandidates(queue.id, now: now, limit: perQueue)
        }
        try context.loadDeployments(candidates.map(\.deploymentID))
        var snapshot = context.snapshot
        snapshot.cannotSubmit = pool.statusReason != nil
        let decisions = SelectionPolicy.select(pool: snapshot, candidates: candidates, now: now)
        return try decisions.map { decision in
            PreviewEntry(run: try findRun(db, decision.candidate.runID), verdict: decision.verdict)
        }
    }

    /// Runs marked Late per transaction; a store repeats batches until one comes back short.
    static var lateBatchSize: Int { 500 }

    /// Marks one batch of overdue Scheduled runs Late; returns how many it read and how many it changed.
    /// PostgreSQL locks the rows with `SKIP LOCKED` and the update re-checks the state, so replicas marking
    /// at once never record a run's change twice.
    static func markLateBatch(_ db: some SQLQuerying, now: Date, dialect: SQLDialect) throws -> (seen: Int, changed: Int) {
        let cutoff = now.addingTimeInterval(-RunStateMachine.lateAfter)
        let reason = "not claimed within \(Int(RunStateMachine.lateAfter)) s of its scheduled time"
        var ids: [String] = []
        try db.query(
            "SELECT id FROM flow_runs WHERE state = 'SCHEDULED' AND scheduled_time <= ? ORDER BY scheduled_time LIMIT ?"
                + dialect.lockSuffix("FOR NO KEY UPDATE SKIP LOCKED"),
            [.date(cutoff), .integer(Int64(lateBatchSize))]
        ) { ids.append($0.text(0)) }
        var changed = 0
        for id in ids {
            let updated = try db.run(
                "UPDATE flow_runs SET state = 'LATE', state_reason = ?, state_changed_at = ? WHERE id = ? AND state = 'SCHEDULED'",
                [.text(reason), .date(now), .text(id)]
            )
            guard updated == 1 else { continue }
            try record(db, run: id, from: .scheduled, to: .late, at: now, reason: reason)
            changed += 1
        }
        return (ids.count, changed)
    }
}
