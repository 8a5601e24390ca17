import Foundation
import PushgateCore

/// The locks a write takes before the checks that depend on them (see ``PostgresStore``); with a dialect
/// that takes no locks (SQLite) they do nothing.
extension SQLStore {
    /// Advisory lock keys: the high 32 bits name the purpose, the low bits the object.
    static var migrationLockKey: Int64 { 0x7075_7368_0000_0000 }
    static func poolLockKey(_ poolID: Int64) -> Int64 { 0x7075_7369_0000_0000 | (poolID & 0xFFFF_FFFF) }

    /// Serialises claims and queue changes of one pool (released at commit or rollback).
    static func lockPool(_ db: some SQLQuerying, id: Int64, dialect: SQLDialect) throws {
        guard dialect.takesLocks else { return }
        _ = try db.first("SELECT pg_advisory_xact_lock(?)", [.integer(poolLockKey(id))]) { _ in true }
    }

    /// Locks a row for a read-modify-write; a missing row is left for the caller's lookup to report.
    static func lockRow(
        _ db: some SQLQuerying,
        table: String,
        column: String,
        _ value: SQLValue,
        mode: String = "NO KEY UPDATE",
        dialect: SQLDialect
    ) throws {
        guard dialect.takesLocks else { return }
        _ = try db.first("SELECT 1 FROM \(table) WHERE \(column) = ? FOR \(mode)", [value]) { _ in true }
    }

    /// The run, read after locking its row for this transaction.
    static func lockedRun(_ db: some SQLQuerying, _ id: String, dialect: SQLDialect) throws -> FlowRun {
        try lockRow(db, table: "flow_runs", column: "id", .text(id), dialect: dialect)
        return try findRun(db, id)
    }

    /// The pool, read after its lock is held, so a claim sees the flags and counts the previous claim of the
    /// pool committed.
    static func lockedPool(_ db: some SQLQuerying, _ name: String, dialect: SQLDialect) throws -> WorkPool {
        if dialect.takesLocks {
            guard let id = try db.first("SELECT id FROM work_pools WHERE name = ?", [.text(name)], row: { $0.int64(0) }) else {
                throw StoreError(.notFound, "pool '\(name)' not found")
            }
            try lockPool(db, id: id, dialect: dialect)
        }
        return try findPool(db, name)
    }
}
