import Foundation
import PushgateCore

/// The SQL stores (SQLite and PostgreSQL): they share the column lists, row decoders and in-transaction
/// helpers below, written against ``SQLQuerying`` and ``SQLRow``.
protocol SQLStore {}

extension SQLiteStore: SQLStore {}

/// Column lists and row decoders shared by the stores' queries.
extension SQLStore {
    static var poolColumns: String {
        """
        SELECT id, name, type, base_job_template, concurrency_limit, is_paused, credentials_profile, created_at,
        updated_at, allow_undeclared_variables, template_version, status_reason FROM work_pools
        """
    }

    static func pool(_ row: some SQLRow) -> WorkPool {
        WorkPool(
            id: row.int64(0),
            name: row.text(1),
            type: row.text(2),
            baseJobTemplate: row.text(3),
            concurrencyLimit: row.optionalInt(4),
            isPaused: row.bool(5),
            credentialsProfile: row.optionalText(6),
            createdAt: row.date(7),
            updatedAt: row.date(8),
            undeclaredVariables: row.bool(9) ? .drop : .refuse,
            templateVersion: row.int(10),
            statusReason: row.optionalText(11)
        )
    }

    static var queueColumns: String {
        """
        SELECT q.id, q.pool_id, p.name, q.name, q.priority, q.concurrency_limit, q.is_paused, q.last_considered_at,
        q.created_at FROM work_queues q JOIN work_pools p ON p.id = q.pool_id
        """
    }

    static func queue(_ row: some SQLRow) -> WorkQueue {
        WorkQueue(
            id: row.int64(0),
            poolID: row.int64(1),
            poolName: row.text(2),
            name: row.text(3),
            priority: row.int(4),
            concurrencyLimit: row.optionalInt(5),
            isPaused: row.bool(6),
            lastConsideredAt: row.optionalDate(7),
            createdAt: row.date(8)
        )
    }

    static var deploymentColumns: String {
        """
        SELECT d.id, d.name, d.pool_id, p.name, d.queue_id, q.name, d.job_variables, d.concurrency_limit, d.created_at,
        d.invalid_reason FROM deployments d JOIN work_pools p ON p.id = d.pool_id JOIN work_queues q ON q.id = d.queue_id
        """
    }

    static func deployment(_ row: some SQLRow) -> Deployment {
        Deployment(
            id: row.int64(0),
            name: row.text(1),
            poolID: row.int64(2),
            poolName: row.text(3),
            queueID: row.int64(4),
            queueName: row.text(5),
            jobVariables: row.optionalText(6),
            concurrencyLimit: row.optionalInt(7),
            createdAt: row.date(8),
            invalidReason: row.optionalText(9)
        )
    }

    /// The columns ``run(_:)`` decodes, in order; queries may append more after them.
    static var runSelectList: String {
        """
        r.id, r.deployment_id, d.name, r.pool_id, p.name, r.queue_id, q.name, r.scheduled_time, r.job_variables,
        r.idempotency_key, r.state, r.state_reason, r.state_changed_at, r.attempt, r.provider_handle, r.lease_owner,
        r.lease_expires_at, r.created_at, r.tracking_note, r.template_version
        """
    }

    static var runJoins: String {
        """
        JOIN deployments d ON d.id = r.deployment_id JOIN work_pools p ON p.id = r.pool_id
        JOIN work_queues q ON q.id = r.queue_id
        """
    }

    static var runColumns: String { "SELECT " + runSelectList + " FROM flow_runs r " + runJoins }

    static func run(_ row: some SQLRow) -> FlowRun {
        FlowRun(
            id: row.text(0),
            deploymentID: row.int64(1),
            deploymentName: row.text(2),
            poolID: row.int64(3),
            poolName: row.text(4),
            queueID: row.int64(5),
            queueName: row.text(6),
            scheduledTime: row.date(7),
            jobVariables: row.optionalText(8),
            idempotencyKey: row.optionalText(9),
            state: RunState(rawValue: row.text(10)) ?? .crashed,
            stateReason: row.text(11),
            stateChangedAt: row.date(12),
            attempt: row.int(13),
            providerHandle: row.optionalText(14),
            leaseOwner: row.optionalText(15),
            leaseExpiresAt: row.optionalDate(16),
            createdAt: row.date(17),
            trackingNote: row.optionalText(18),
            templateVersion: row.optionalInt(19)
        )
    }

    // MARK: Lookups inside a transaction

    static func findPool(_ db: some SQLQuerying, _ name: String) throws -> WorkPool {
        guard let pool = try db.first(poolColumns + " WHERE name = ?", [.text(name)], row: Self.pool) else {
            throw StoreError(.notFound, "pool '\(name)' not found")
        }
        return pool
    }

    static func findQueue(_ db: some SQLQuerying, pool: WorkPool, _ name: String) throws -> WorkQueue {
        guard
            let queue = try db.first(queueColumns + " WHERE q.pool_id = ? AND q.name = ?", [.integer(pool.id), .text(name)], row: Self.queue)
        else {
            throw StoreError(.notFound, "queue '\(name)' not found in pool '\(pool.name)'")
        }
        return queue
    }

    static func findDeployment(_ db: some SQLQuerying, _ name: String) throws -> Deployment {
        guard let deployment = try db.first(deploymentColumns + " WHERE d.name = ?", [.text(name)], row: Self.deployment) else {
            throw StoreError(.notFound, "deployment '\(name)' not found")
        }
        return deployment
    }

    static func findRun(_ db: some SQLQuerying, _ id: String) throws -> FlowRun {
        guard let run = try db.first(runColumns + " WHERE r.id = ?", [.text(id)], row: Self.run) else {
            throw StoreError(.notFound, "run '\(id)' not found")
        }
        return run
    }

    /// Appends one history entry.
    static func record(_ db: some SQLQuerying, run: String, from: RunState?, to: RunState, at: Date, reason: String) throws {
        try db.run(
            "INSERT INTO flow_run_states (run_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)",
            [.text(run), .string(from?.rawValue), .text(to.rawValue), .date(at), .text(reason)]
        )
    }

    /// When a claim is recorded: `now`, or the newest recorded state change when that is later. The caller
    /// reads `now` before its transaction waits for the write lock, and a slot it takes may have been freed in
    /// the meantime; recording the claim no earlier keeps history in commit order, so limits audited from
    /// history hold. (Exact on SQLite, one writer; on PostgreSQL, the newest change this transaction sees.)
    static func claimTime(_ db: some SQLQuerying, now: Date) throws -> Date {
        let newest = try db.first("SELECT at FROM flow_run_states ORDER BY id DESC LIMIT 1", []) { $0.date(0) }
        return max(now, newest ?? now)
    }

    /// Served by the partial index on Scheduled runs' times (`flow_runs_to_mark_late`).
    static func nextScheduledTime(_ db: some SQLQuerying, after now: Date) throws -> Date? {
        try db.first(
            "SELECT MIN(scheduled_time) FROM flow_runs WHERE state = 'SCHEDULED' AND scheduled_time > ?",
            [.date(now)]
        ) { $0.optionalDate(0) } ?? nil
    }
}
