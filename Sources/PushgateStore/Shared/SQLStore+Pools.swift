import Foundation
import PushgateCore

/// The pool statements both stores run inside their own transactions; validation happens before any
/// transaction opens.
extension SQLStore {
    /// A pool spec's checked name and limit, its trimmed type and its checked base job template text.
    static func validated(_ spec: WorkPoolSpec) throws -> (type: String, template: String) {
        try StoreValidation.name(spec.name, of: "pool")
        try StoreValidation.limit(spec.concurrencyLimit, of: "pool '\(spec.name)'")
        let type = spec.type.trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty else { throw StoreError(.invalidInput, "pool '\(spec.name)': type must not be empty") }
        let template = try StoreValidation.jsonObject(spec.baseJobTemplate, of: "base job template of pool '\(spec.name)'")
        return (type, template)
    }

    /// An update's checked limit, and its template text made canonical.
    static func validated(_ update: WorkPoolUpdate, of name: String) throws -> WorkPoolUpdate {
        var update = update
        if case .some(let limit) = update.concurrencyLimit { try StoreValidation.limit(limit, of: "pool '\(name)'") }
        if let change = update.template {
            update.template?.baseJobTemplate = try StoreValidation.jsonObject(change.baseJobTemplate, of: "base job template of pool '\(name)'")
        }
        return update
    }

    /// Inserts a pool with its default queue.
    static func insertPool(
        _ db: some SQLQuerying,
        _ spec: WorkPoolSpec,
        type: String,
        template: String,
        now: Date
    ) throws
        -> WorkPool
    {
        if try db.first("SELECT 1 FROM work_pools WHERE name = ?", [.text(spec.name)], row: { _ in true }) != nil {
            throw StoreError(.alreadyExists, "pool '\(spec.name)' already exists")
        }
        let id = try db.insertReturningID(
            """
            INSERT INTO work_pools (name, type, base_job_template, concurrency_limit, is_paused, credentials_profile,
            created_at, updated_at, allow_undeclared_variables, template_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """,
            [
                .text(spec.name), .text(type), .text(template), .int(spec.concurrencyLimit), .bool(spec.isPaused),
                .string(spec.credentialsProfile), .date(now), .date(now), .bool(spec.undeclaredVariables == .drop),
            ]
        )
        try db.run(
            "INSERT INTO pool_templates (pool_id, version, base_job_template, created_at) VALUES (?, 1, ?, ?)",
            [.integer(id), .text(template), .date(now)]
        )
        try db.run(
            "INSERT INTO work_queues (pool_id, name, priority, is_paused, created_at) VALUES (?, ?, 1, 0, ?)",
            [.integer(id), .text(WorkQueue.defaultName), .date(now)]
        )
        return try findPool(db, spec.name)
    }

    static func listPools(_ db: some SQLQuerying) throws -> [WorkPool] {
        var pools: [WorkPool] = []
        try db.query(poolColumns + " ORDER BY name", []) { pools.append(pool($0)) }
        return pools
    }

    static func updatePool(
        _ db: some SQLQuerying,
        named name: String,
        _ update: WorkPoolUpdate,
        now: Date,
        dialect: SQLDialect
    )
        throws -> WorkPool
    {
        try lockRow(db, table: "work_pools", column: "name", .text(name), dialect: dialect)
        var pool = try findPool(db, name)
        if let paused = update.isPaused { pool.isPaused = paused }
        if case .some(let limit) = update.concurrencyLimit { pool.concurrencyLimit = limit }
        if let undeclared = update.undeclaredVariables { pool.undeclaredVariables = undeclared }
        if case .some(let profile) = update.credentialsProfile { pool.credentialsProfile = profile }
        if let change = update.template { try applyTemplate(db, change, to: &pool, now: now) }
        try db.run(
            """
            UPDATE work_pools SET is_paused = ?, concurrency_limit = ?, allow_undeclared_variables = ?, base_job_template = ?,
            template_version = ?, credentials_profile = ?, updated_at = ? WHERE id = ?
            """,
            [
                .bool(pool.isPaused), .int(pool.concurrencyLimit), .bool(pool.undeclaredVariables == .drop), .text(pool.baseJobTemplate),
                .integer(Int64(pool.templateVersion)), .string(pool.credentialsProfile), .date(now), .integer(pool.id),
            ]
        )
        return try findPool(db, name)
    }

    /// A new template version, kept beside the old ones (runs in flight are tracked with theirs), and the
    /// deployments it no longer fits marked; refused when another update got there first.
    private static func applyTemplate(_ db: some SQLQuerying, _ change: WorkPoolUpdate.TemplateChange, to pool: inout WorkPool, now: Date) throws {
        guard pool.templateVersion == change.expectedVersion else {
            throw StoreError(
                .conflict,
                "pool '\(pool.name)' is at template version \(pool.templateVersion), not \(change.expectedVersion): it changed meanwhile; check again"
            )
        }
        let names = Set(try listDeployments(db, pool: pool.name).map(\.name))
        for name in change.invalidDeployments.keys where !names.contains(name) {
            throw StoreError(.notFound, "deployment '\(name)' is not in pool '\(pool.name)'")
        }
        pool.templateVersion += 1
        pool.baseJobTemplate = change.baseJobTemplate
        try db.run(
            "INSERT INTO pool_templates (pool_id, version, base_job_template, created_at) VALUES (?, ?, ?, ?)",
            [.integer(pool.id), .integer(Int64(pool.templateVersion)), .text(change.baseJobTemplate), .date(now)]
        )
        try db.run("UPDATE deployments SET invalid_reason = NULL WHERE pool_id = ?", [.integer(pool.id)])
        for (name, reason) in change.invalidDeployments {
            try db.run(
                "UPDATE deployments SET invalid_reason = ? WHERE name = ?",
                [.text("since template version \(pool.templateVersion): \(reason)"), .text(name)]
            )
        }
    }

    /// Sets or clears why the pool cannot submit. Not a change of the pool: `updated_at` stays, so the
    /// dispatcher's parsed template stays cached.
    static func setPoolStatusReason(_ db: some SQLQuerying, pool name: String, reason: String?) throws {
        guard try db.run("UPDATE work_pools SET status_reason = ? WHERE name = ?", [.string(reason), .text(name)]) == 1 else {
            throw StoreError(.notFound, "pool '\(name)' not found")
        }
    }

    /// The text of one of the pool's template versions.
    static func poolTemplate(_ db: some SQLQuerying, pool name: String, version: Int) throws -> String {
        let pool = try findPool(db, name)
        guard
            let text = try db.first(
                "SELECT base_job_template FROM pool_templates WHERE pool_id = ? AND version = ?",
                [.integer(pool.id), .integer(Int64(version))],
                row: { $0.text(0) }
            )
        else {
            throw StoreError(.notFound, "pool '\(name)' has no template version \(version)")
        }
        return text
    }

    /// Deletes a pool with its queues; refused while deployments use it.
    static func deletePool(_ db: some SQLQuerying, named name: String, dialect: SQLDialect) throws {
        let pool = try findPool(db, name)
        // The pool lock first (as queue changes take it), then FOR UPDATE, which holds off new deployments
        // and queues (their foreign key checks) until this commits.
        try lockPool(db, id: pool.id, dialect: dialect)
        try lockRow(db, table: "work_pools", column: "id", .integer(pool.id), mode: "UPDATE", dialect: dialect)
        let deployments = try db.first("SELECT COUNT(*) FROM deployments WHERE pool_id = ?", [.integer(pool.id)]) { $0.int(0) } ?? 0
        if deployments > 0 {
            throw StoreError(.conflict, "pool '\(name)' still has \(deployments) deployment(s); it was not deleted")
        }
        try db.run("DELETE FROM pool_templates WHERE pool_id = ?", [.integer(pool.id)])
        try db.run("DELETE FROM work_queues WHERE pool_id = ?", [.integer(pool.id)])
        try db.run("DELETE FROM work_pools WHERE id = ?", [.integer(pool.id)])
    }
}
