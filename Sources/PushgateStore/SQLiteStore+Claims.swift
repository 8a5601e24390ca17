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
            let snapshot = context.snapshot
            let poolFree = pool.concurrencyLimit.map { max(0, $0 - snapshot.inFlight) } ?? Int.max
            // Read at most as many due runs per queue as could be taken; read more only when runs were held
            // because their deployment is full (the queue's later runs may still go).
            var fetchLimits: [Int64: Int] = [:]
            for queue in snapshot.queues where !queue.isPaused {
                let queueFree = queue.concurrencyLimit.map { max(0, $0 - queue.inFlight) } ?? Int.max
                let cap = min(queueFree, poolFree, limit)
                if cap > 0 { fetchLimits[queue.id] = cap }
            }
            var candidates: [Int64: [SelectionCandidate]] = [:]
            var complete = Set<Int64>()
            var toFetch = Set(fetchLimits.keys)
            var decisions: [SelectionDecision] = []
            while true {
                for queueID in toFetch {
                    let fetched = try context.dueCandidates(queueID, now: now, limit: fetchLimits[queueID] ?? 0)
                    if fetched.count < (fetchLimits[queueID] ?? 0) { complete.insert(queueID) }
                    candidates[queueID] = fetched
                }
                let all = candidates.values.flatMap { $0 }
                try context.loadDeployments(all.map(\.deploymentID))
                decisions = SelectionPolicy.select(pool: context.snapshot, candidates: all, now: now, maxClaims: limit)
                var blocked: [Int64: Int] = [:]
                for decision in decisions where decision.holdReason == .deploymentFull {
                    blocked[decision.candidate.queueID, default: 0] += 1
                }
                toFetch = Set(blocked.keys.filter { !complete.contains($0) })
                if toFetch.isEmpty { break }
                for queueID in toFetch { fetchLimits[queueID] = (fetchLimits[queueID] ?? 0) * 2 + (blocked[queueID] ?? 0) }
            }

            var claimed: [FlowRun] = []
            let expires = now.addingTimeInterval(leaseDuration)
            for decision in decisions where decision.verdict == .next {
                let id = decision.candidate.runID
                let from = context.states[id] ?? .scheduled
                let changed = try db.run(
                    """
                    UPDATE flow_runs SET state = 'PENDING', state_reason = ?, state_changed_at = ?, attempt = attempt + 1,
                    lease_owner = ?, lease_expires_at = ? WHERE id = ? AND state IN ('SCHEDULED', 'LATE')
                    """,
                    [.text("claimed by \(owner)"), .date(now), .text(owner), .date(expires), .text(id)]
                )
                guard changed == 1 else { continue }
                try Self.record(db, run: id, from: from, to: .pending, at: now, reason: "claimed by \(owner)")
                claimed.append(try Self.findRun(db, id))
            }
            try db.run(
                "UPDATE work_queues SET last_considered_at = ? WHERE pool_id = ? AND is_paused = 0",
                [.date(now), .integer(pool.id)]
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

/// What one selection reads inside a transaction: the pool snapshot, deployment slots and the states of
/// the candidates it fetched.
struct SelectionContext {
    private let db: SQLiteConnection
    private(set) var snapshot: PoolSnapshot
    private(set) var states: [String: RunState] = [:]
    private var loadedDeployments = Set<Int64>()

    init(_ db: SQLiteConnection, pool: WorkPool) throws {
        self.db = db
        var queues: [PoolSnapshot.Queue] = []
        try db.query(
            "SELECT id, priority, concurrency_limit, is_paused FROM work_queues WHERE pool_id = ? ORDER BY priority",
            [.integer(pool.id)]
        ) { row in
            queues.append(
                PoolSnapshot.Queue(
                    id: row.int64(0),
                    priority: row.int(1),
                    concurrencyLimit: row.optionalInt(2),
                    isPaused: row.bool(3),
                    inFlight: 0
                )
            )
        }
        for index in queues.indices {
            queues[index].inFlight =
                try db.first(
                    "SELECT COUNT(*) FROM flow_runs WHERE queue_id = ? AND state IN ('PENDING', 'RUNNING')",
                    [.integer(queues[index].id)]
                ) { $0.int(0) } ?? 0
        }
        // Paused queues' in-flight runs count against the pool (see SelectionPolicy).
        snapshot = PoolSnapshot(
            concurrencyLimit: pool.concurrencyLimit,
            isPaused: pool.isPaused,
            inFlight: queues.reduce(0) { $0 + $1.inFlight },
            queues: queues
        )
    }

    /// Due schedulable runs of a queue, oldest first (index `flow_runs_due`).
    mutating func dueCandidates(_ queueID: Int64, now: Date, limit: Int) throws -> [SelectionCandidate] {
        try candidates(
            """
            SELECT id, deployment_id, scheduled_time, state FROM flow_runs
            WHERE queue_id = ? AND state IN ('SCHEDULED', 'LATE') AND scheduled_time <= ?
            ORDER BY scheduled_time, id LIMIT ?
            """,
            queueID: queueID,
            now: now,
            limit: limit
        )
    }

    /// The next not-yet-due runs of a queue.
    mutating func upcomingCandidates(_ queueID: Int64, now: Date, limit: Int) throws -> [SelectionCandidate] {
        try candidates(
            """
            SELECT id, deployment_id, scheduled_time, state FROM flow_runs
            WHERE queue_id = ? AND state IN ('SCHEDULED', 'LATE') AND scheduled_time > ?
            ORDER BY scheduled_time, id LIMIT ?
            """,
            queueID: queueID,
            now: now,
            limit: limit
        )
    }

    private mutating func candidates(_ sql: String, queueID: Int64, now: Date, limit: Int) throws -> [SelectionCandidate] {
        var result: [SelectionCandidate] = []
        try db.query(sql, [.integer(queueID), .date(now), .integer(Int64(limit))]) { row in
            let id = row.text(0)
            result.append(
                SelectionCandidate(runID: id, queueID: queueID, deploymentID: row.int64(1), scheduledTime: row.date(2))
            )
            states[id] = RunState(rawValue: row.text(3))
        }
        return result
    }

    /// Reads the limit and in-flight count of deployments not read yet.
    mutating func loadDeployments(_ ids: [Int64]) throws {
        for id in Set(ids) where !loadedDeployments.contains(id) {
            loadedDeployments.insert(id)
            guard
                let limit = try db.first("SELECT concurrency_limit FROM deployments WHERE id = ?", [.integer(id)], row: { $0.optionalInt(0) }),
                let limit
            else { continue }
            let inFlight =
                try db.first(
                    "SELECT COUNT(*) FROM flow_runs WHERE deployment_id = ? AND state IN ('PENDING', 'RUNNING')",
                    [.integer(id)]
                ) { $0.int(0) } ?? 0
            snapshot.deployments[id] = PoolSnapshot.Deployment(concurrencyLimit: limit, inFlight: inFlight)
        }
    }
}
