import Foundation
import PushgateCore

/// The run creation and reads both stores run inside their own transactions.
extension SQLStore {
    /// Each spec's checked job-variables text, in order.
    static func validatedVariables(_ specs: [FlowRunSpec]) throws -> [String?] {
        try specs.map { spec throws(StoreError) -> String? in
            try spec.jobVariables.map { (text: String) throws(StoreError) -> String in
                try StoreValidation.jsonObject(text, of: "job variables of the run of deployment '\(spec.deploymentName)'")
            }
        }
    }

    /// Inserts one Scheduled run per spec, or returns the run a spec's idempotency key already names.
    static func insertRuns(
        _ db: some SQLQuerying,
        _ specs: [FlowRunSpec],
        variables: [String?],
        now: Date,
        dialect: SQLDialect
    )
        throws -> [FlowRunCreation]
    {
        var deployments: [String: Deployment] = [:]
        var results: [FlowRunCreation] = []
        results.reserveCapacity(specs.count)
        for (spec, variables) in zip(specs, variables) {
            let deployment: Deployment
            if let cached = deployments[spec.deploymentName] {
                deployment = cached
            } else {
                deployment = try findDeployment(db, spec.deploymentName)
                deployments[spec.deploymentName] = deployment
            }
            if let reason = deployment.invalidReason {
                throw StoreError(
                    .invalidInput,
                    "deployment '\(deployment.name)' no longer fits its pool's template (\(reason)); fix its job variables before creating runs"
                )
            }
            let id = UUID().uuidString.lowercased()
            let scheduled = spec.scheduledTime ?? now
            let reason = "created"
            let insert = """
                INSERT INTO flow_runs (id, deployment_id, pool_id, queue_id, scheduled_time, job_variables,
                idempotency_key, state, state_reason, state_changed_at, attempt, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'SCHEDULED', ?, ?, 0, ?)
                """
            let values: [SQLValue] = [
                .text(id), .integer(deployment.id), .integer(deployment.poolID), .integer(deployment.queueID),
                .date(scheduled), .string(variables), .string(spec.idempotencyKey), .text(reason), .date(now), .date(now),
            ]
            if let key = spec.idempotencyKey {
                if key.isEmpty { throw StoreError(.invalidInput, "idempotency key must not be empty") }
                if let existing = try insertKeyedRun(db, insert, values, deployment: deployment, key: key, dialect: dialect) {
                    results.append(FlowRunCreation(run: existing, created: false))
                    continue
                }
            } else {
                try db.run(insert, values)
            }
            try record(db, run: id, from: nil, to: .scheduled, at: now, reason: reason)
            let run = scheduledRun(
                id: id,
                deployment: deployment,
                scheduled: scheduled,
                jobVariables: variables,
                idempotencyKey: spec.idempotencyKey,
                reason: reason,
                now: now
            )
            results.append(FlowRunCreation(run: run, created: true))
        }
        return results
    }

    /// Runs `insert` unless the deployment already has a run with `key`, and returns that run (nil when
    /// inserted). SQLite checks first (its writers run one at a time); PostgreSQL inserts with
    /// `ON CONFLICT DO NOTHING`, so when another replica inserts the same key at the same time, the insert
    /// waits for it and then returns its run.
    private static func insertKeyedRun(
        _ db: some SQLQuerying,
        _ insert: String,
        _ values: [SQLValue],
        deployment: Deployment,
        key: String,
        dialect: SQLDialect
    ) throws -> FlowRun? {
        let existing = {
            try db.first(
                runColumns + " WHERE r.deployment_id = ? AND r.idempotency_key = ?",
                [.integer(deployment.id), .text(key)],
                row: Self.run
            )
        }
        switch dialect {
        case .sqlite:
            if let run = try existing() { return run }
            try db.run(insert, values)
            return nil
        case .postgres:
            let inserted = try db.run(
                insert + " ON CONFLICT (deployment_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
                values
            )
            if inserted > 0 { return nil }
            guard let run = try existing() else {
                throw StoreError(.conflict, "run with idempotency key '\(key)' of deployment '\(deployment.name)' vanished")
            }
            return run
        }
    }

    static func listRuns(_ db: some SQLQuerying, _ filter: FlowRunFilter) throws -> [FlowRun] {
        var (whereClause, values) = try filterClause(db, filter)
        if let cursor = filter.after {
            let comparison = filter.order == .newestFirst ? "<" : ">"
            whereClause +=
                (whereClause.isEmpty ? " WHERE " : " AND ")
                + "(r.scheduled_time \(comparison) ? OR (r.scheduled_time = ? AND r.id \(comparison) ?))"
            values += [.date(cursor.scheduledTime), .date(cursor.scheduledTime), .text(cursor.id)]
        }
        values.append(.integer(Int64(max(0, filter.limit))))
        // In-flight runs (what the poller reads every pass) are found through `flow_runs_live`, then sorted:
        // walking the time index instead passes every finished run first, a scan of the store at 1M runs.
        // The literal condition lets the planner use the partial index; `+ 0` keeps it from walking the time
        // index for the order.
        let live: Set<RunState> = [.late, .pending, .running, .cancelling]
        let inFlight = !filter.states.isEmpty && filter.states.allSatisfy(live.contains)
        if inFlight { whereClause += (whereClause.isEmpty ? " WHERE " : " AND ") + "r.state IN \(liveStates)" }
        let time = inFlight ? "r.scheduled_time + 0" : "r.scheduled_time"
        let order = filter.order == .newestFirst ? " ORDER BY \(time) DESC, r.id DESC" : " ORDER BY \(time), r.id"
        var result: [FlowRun] = []
        try db.query(runColumns + whereClause + order + " LIMIT ?", values) {
            result.append(run($0))
        }
        return result
    }

    /// How many runs match `filter`, its limit aside.
    static func countRuns(_ db: some SQLQuerying, _ filter: FlowRunFilter) throws -> Int {
        let (whereClause, values) = try filterClause(db, filter)
        return try db.first("SELECT COUNT(*) FROM flow_runs r" + whereClause, values) { $0.int(0) } ?? 0
    }

    /// The `WHERE` clause of a run filter, with its values.
    private static func filterClause(_ db: some SQLQuerying, _ filter: FlowRunFilter) throws -> (String, [SQLValue]) {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let poolName = filter.poolName {
            conditions.append("r.pool_id = ?")
            values.append(.integer(try findPool(db, poolName).id))
        }
        if let deploymentName = filter.deploymentName {
            conditions.append("r.deployment_id = ?")
            values.append(.integer(try findDeployment(db, deploymentName).id))
        }
        if let queueName = filter.queueName {
            if let poolName = filter.poolName {
                conditions.append("r.queue_id = ?")
                values.append(.integer(try findQueue(db, pool: try findPool(db, poolName), queueName).id))
            } else {
                conditions.append("r.queue_id IN (SELECT id FROM work_queues WHERE name = ?)")
                values.append(.text(queueName))
            }
        }
        if let from = filter.scheduledFrom {
            conditions.append("r.scheduled_time >= ?")
            values.append(.date(from))
        }
        if let until = filter.scheduledUntil {
            conditions.append("r.scheduled_time < ?")
            values.append(.date(until))
        }
        if !filter.idempotencyKeys.isEmpty {
            conditions.append("r.idempotency_key IN (" + filter.idempotencyKeys.map { _ in "?" }.joined(separator: ", ") + ")")
            values += filter.idempotencyKeys.map { .text($0) }
        }
        if !filter.states.isEmpty {
            conditions.append("r.state IN (" + filter.states.map { _ in "?" }.joined(separator: ", ") + ")")
            values += filter.states.map { .text($0.rawValue) }
        }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), values)
    }

    /// Counts of every non-terminal state: the waiting runs through `flow_runs_due` and the rest through
    /// `flow_runs_live`, two partial-index reads instead of a scan of every run (finished runs are most of
    /// a store: at 1M runs the scan made each `/metrics` scrape cost the gateway its throughput).
    static func nonTerminalRunCounts(_ db: some SQLQuerying) throws -> [RunCount] {
        try runCounts(db, where: "('SCHEDULED', 'LATE')").filter { $0.state == .scheduled } + liveRunCounts(db)
    }

    /// The states of the `flow_runs_live` partial index, written out as literals so both SQLite's and
    /// PostgreSQL's planners see that the query's condition is the index's.
    static var liveStates: String { "('LATE', 'PENDING', 'RUNNING', 'CANCELLING')" }

    static func liveRunCounts(_ db: some SQLQuerying) throws -> [RunCount] {
        try runCounts(db, where: liveStates)
    }

    /// Runs per pool, queue and state among `states`, a literal list matching a partial index's condition.
    private static func runCounts(_ db: some SQLQuerying, where states: String) throws -> [RunCount] {
        var counts: [RunCount] = []
        try db.query(
            """
            SELECT p.name, q.name, r.state, COUNT(*) FROM flow_runs r
            JOIN work_pools p ON p.id = r.pool_id JOIN work_queues q ON q.id = r.queue_id
            WHERE r.state IN \(states) GROUP BY p.name, q.name, r.state
            """,
            []
        ) { row in
            guard let state = RunState(rawValue: row.text(2)) else { return }
            counts.append(RunCount(poolName: row.text(0), queueName: row.text(1), state: state, count: row.int(3)))
        }
        return counts
    }

    static func runActivity(_ db: some SQLQuerying, pool: String, since: Date) throws -> [RunActivity] {
        let poolID = try findPool(db, pool).id
        let terminal = RunState.allCases.filter(\.isTerminal)
        var result: [RunActivity] = []
        try db.query(
            """
            SELECT s.at / 60000, s.to_state, CASE WHEN s.reason LIKE 'submitted as %' THEN 1 ELSE 0 END, COUNT(*) FROM flow_run_states s
            JOIN flow_runs r ON r.id = s.run_id
            WHERE s.at >= ? AND r.pool_id = ? AND (s.reason LIKE 'submitted as %' OR s.to_state IN (\(terminal.map { _ in "?" }.joined(separator: ", "))))
            GROUP BY 1, 2, 3
            """,
            [.date(since), .integer(poolID)] + terminal.map { .text($0.rawValue) }
        ) { row in
            guard let state = RunState(rawValue: row.text(1)) else { return }
            let minute = Date(timeIntervalSince1970: Double(row.int(0)) * 60)
            let event: RunActivity.Event = row.int(2) != 0 ? .submitted : .ended(state)
            result.append(RunActivity(minute: minute, event: event, count: row.int(3)))
        }
        return result
    }

    static func history(_ db: some SQLQuerying, runID: String) throws -> [StateTransition] {
        _ = try findRun(db, runID)
        var result: [StateTransition] = []
        try db.query(
            "SELECT from_state, to_state, at, reason FROM flow_run_states WHERE run_id = ? ORDER BY id",
            [.text(runID)]
        ) { row in
            result.append(
                StateTransition(
                    runID: runID,
                    from: row.optionalText(0).flatMap(RunState.init(rawValue:)),
                    to: RunState(rawValue: row.text(1)) ?? .crashed,
                    at: row.date(2),
                    reason: row.text(3)
                )
            )
        }
        return result
    }
}
