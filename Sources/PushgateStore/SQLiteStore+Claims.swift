import Foundation
import PushgateCore

extension SQLiteStore {
    package func claim(pool poolName: String, owner: String, limit: Int, leaseDuration: TimeInterval, now: Date) throws
        -> [FlowRun]
    {
        guard limit > 0 else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': limit must be 1 or more") }
        guard !owner.isEmpty else { throw StoreError(.invalidInput, "claim from pool '\(poolName)': owner must not be empty") }
        guard leaseDuration > 0 else {
            throw StoreError(.invalidInput, "claim from pool '\(poolName)': lease duration must be positive")
        }
        return try write { db in
            let pool = try Self.findPool(db, poolName)
            if pool.isPaused { return [] }
            var context = try SelectionContext(db, pool: pool)
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

    package func preview(pool poolName: String, now: Date, upcoming: Int) throws -> [PreviewEntry] {
        let perQueue = max(1, upcoming)
        return try read { db in
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

    package func nextScheduledTime(after now: Date) throws -> Date? {
        try Self.nextScheduledTime(try db(), after: now)
    }

    package func markLateRuns(now: Date) throws -> Int {
        let cutoff = now.addingTimeInterval(-RunStateMachine.lateAfter)
        let reason = "not claimed within \(Int(RunStateMachine.lateAfter)) s of its scheduled time"
        let batch = 500
        var total = 0
        while true {
            let changed = try write { db -> Int in
                var ids: [String] = []
                try db.query(
                    "SELECT id FROM flow_runs WHERE state = 'SCHEDULED' AND scheduled_time <= ? ORDER BY scheduled_time LIMIT ?",
                    [.date(cutoff), .integer(Int64(batch))]
                ) { ids.append($0.text(0)) }
                for id in ids {
                    try db.run(
                        "UPDATE flow_runs SET state = 'LATE', state_reason = ?, state_changed_at = ? WHERE id = ? AND state = 'SCHEDULED'",
                        [.text(reason), .date(now), .text(id)]
                    )
                    try Self.record(db, run: id, from: .scheduled, to: .late, at: now, reason: reason)
                }
                return ids.count
            }
            total += changed
            if changed < batch { return total }
        }
    }
}
