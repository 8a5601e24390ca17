import Foundation
import PushgateCore

extension PostgresStore {
    /// The same selection as ``SQLiteStore``'s claim, made exact across replicas by the pool's advisory lock
    /// (see ``PostgresStore``): the pool row, queue counts and candidates are read after the lock is held.
    package func claim(pool poolName: String, owner: String, limit: Int, leaseDuration: TimeInterval, now: Date) async throws
        -> [FlowRun]
    {
        guard limit > 0 else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': limit must be 1 or more") }
        guard !owner.isEmpty else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': owner must not be empty") }
        guard leaseDuration > 0 else {
            throw StoreError(.invalidInput, "claim from pool '\(poolName)': lease duration must be positive")
        }
        return try await write { db in
            guard let poolID = try db.first("SELECT id FROM work_pools WHERE name = ?", [.text(poolName)], row: { $0.int64(0) }) else {
                throw StoreError(.notFound, "pool '\(poolName)' not found")
            }
            try Self.lockPool(db, id: poolID, dialect: .postgres)
            let pool = try Self.findPool(db, poolName)
            if pool.isPaused { return [] }
            var context = try SelectionContext(db, pool: pool, lockingCandidates: true)
            let decisions = try context.claimDecisions(pool: pool, limit: limit, now: now)

            var claimed: [FlowRun] = []
            let at = try Self.claimTime(db, now: now)
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
                try Self.record(db, run: id, from: from, to: .pending, at: at, reason: "claimed by \(owner)")
                claimed.append(try Self.findRun(db, id))
            }
            try db.run(
                "UPDATE work_queues SET last_considered_at = ? WHERE pool_id = ? AND is_paused = 0",
                [.date(at), .integer(pool.id)]
            )
            return claimed
        }
    }

    package func preview(pool poolName: String, now: Date, upcoming: Int) async throws -> [PreviewEntry] {
        let perQueue = max(1, upcoming)
        return try await read { db in
            let pool = try Self.findPool(db, poolName)
            var context = try SelectionContext(db, pool: pool)
            var candidates: [SelectionCandidate] = []
            for queue in context.snapshot.queues {
                candidates += try context.dueCandidates(queue.id, now: now, limit: perQueue)
                candidates += try context.upcomingCandidates(queue.id, now: now, limit: perQueue)
            }
            try context.loadDeployments(candidates.map(\.deploymentID))
            let decisions = SelectionPolicy.select(pool: context.snapshot, candidates: candidates, now: now)
            return try decisions.map { decision in
                PreviewEntry(run: try Self.findRun(db, decision.candidate.runID), verdict: decision.verdict)
            }
        }
    }

    package func nextScheduledTime(after now: Date) async throws -> Date? {
        try await read { db in try Self.nextScheduledTime(db, after: now) }
    }

    /// Batches lock their rows with `SKIP LOCKED` and re-check the state, so replicas marking at once never
    /// record a run's change twice.
    package func markLateRuns(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-RunStateMachine.lateAfter)
        let reason = "not claimed within \(Int(RunStateMachine.lateAfter)) s of its scheduled time"
        let batch = 500
        var total = 0
        while true {
            let (seen, changed) = try await write { db -> (Int, Int) in
                var ids: [String] = []
                try db.query(
                    """
                    SELECT id FROM flow_runs WHERE state = 'SCHEDULED' AND scheduled_time <= ? ORDER BY scheduled_time LIMIT ?
                    FOR NO KEY UPDATE SKIP LOCKED
                    """,
                    [.date(cutoff), .integer(Int64(batch))]
                ) { ids.append($0.text(0)) }
                var changed = 0
                for id in ids {
                    let updated = try db.run(
                        "UPDATE flow_runs SET state = 'LATE', state_reason = ?, state_changed_at = ? WHERE id = ? AND state = 'SCHEDULED'",
                        [.text(reason), .date(now), .text(id)]
                    )
                    guard updated == 1 else { continue }
                    try Self.record(db, run: id, from: .scheduled, to: .late, at: now, reason: reason)
                    changed += 1
                }
                return (ids.count, changed)
            }
            total += changed
            if seen < batch { return total }
        }
    }
}
