import Foundation
import PushgateCore

/// What one selection reads inside a transaction: the pool snapshot, deployment slots and the states of
/// the candidates it fetched. With `lockingCandidates` (PostgreSQL) the candidate reads lock the rows they
/// return and skip rows another transaction holds, so a run's state cannot change under the claim.
struct SelectionContext<DB: SQLQuerying> {
    private let db: DB
    private let lockClause: String
    private(set) var snapshot: PoolSnapshot
    private(set) var states: [String: RunState] = [:]
    private var loadedDeployments = Set<Int64>()

    init(_ db: DB, pool: WorkPool, lockingCandidates: Bool = false) throws {
        self.db = db
        self.lockClause = lockingCandidates ? " FOR UPDATE SKIP LOCKED" : ""
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

    /// What a claim of up to `limit` runs takes now: reads at most as many due runs per queue as could be
    /// taken, and reads more only when runs were held because their deployment is full (the queue's later
    /// runs may still go).
    mutating func claimDecisions(pool: WorkPool, limit: Int, now exactNow: Date) throws -> [SelectionDecision] {
        // Times are stored to the millisecond; compare at that precision, or a run scheduled at `now`
        // itself could round to a moment after it and be judged not yet due.
        let now = Date(timeIntervalSince1970: (exactNow.timeIntervalSince1970 * 1000).rounded() / 1000)
        let poolFree = pool.concurrencyLimit.map { max(0, $0 - snapshot.inFlight) } ?? Int.max
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
                let fetched = try dueCandidates(queueID, now: now, limit: fetchLimits[queueID] ?? 0)
                if fetched.count < (fetchLimits[queueID] ?? 0) { complete.insert(queueID) }
                candidates[queueID] = fetched
            }
            let all = candidates.values.flatMap { $0 }
            try loadDeployments(all.map(\.deploymentID))
            decisions = SelectionPolicy.select(pool: snapshot, candidates: all, now: now, maxClaims: limit)
            var blocked: [Int64: Int] = [:]
            for decision in decisions where decision.holdReason == .deploymentFull {
                blocked[decision.candidate.queueID, default: 0] += 1
            }
            toFetch = Set(blocked.keys.filter { !complete.contains($0) })
            if toFetch.isEmpty { break }
            for queueID in toFetch { fetchLimits[queueID] = (fetchLimits[queueID] ?? 0) * 2 + (blocked[queueID] ?? 0) }
        }
        return decisions
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
        try db.query(sql + lockClause, [.integer(queueID), .date(now), .integer(Int64(limit))]) { row in
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
