import CSQLite3
import Foundation
import PushgateCore

/// Owns one `sqlite3*` handle and closes it exactly once. Not thread-safe by itself: its owner
/// (``SQLiteStore``, an actor on a serial dispatch queue) is the only caller.
final class SQLiteConnection {
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating when missing) the database at `path` in WAL mode with the given busy timeout.
    init(path: String, busyTimeoutMilliseconds: Int32, synchronousFull: Bool) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        guard rc == SQLITE_OK, db != nil else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            // "Whether or not an error occurs when it is opened, resources associated with the database
            // connection handle should be released by passing it to sqlite3_close()" (sqlite3_open docs).
            close()
            throw StoreError(.io, "cannot open database '\(path)': \(message)", underlyingCode: rc)
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        do {
            // Reading the journal mode is the first access to the file: a corrupt or foreign file fails here.
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA foreign_keys = ON")
            try execute(synchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Finalizes cached statements and closes the handle; later calls do nothing.
    func close() {
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements that return no rows of interest.
    func execute(_ sql: String) throws(StoreError) {
        guard let handle else { throw closedError() }
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if let message { sqlite3_free(message) }
        if rc != SQLITE_OK { throw error(rc, while: "running \(sql)") }
    }

    /// A cached prepared statement for `sql`, reset and bound to `values`.
    func statement(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> SQLiteStatement {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            guard let handle else { throw closedError() }
            var raw: OpaquePointer?
            let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
            guard rc == SQLITE_OK, let raw else { throw error(rc, while: "preparing \(sql)") }
            statement = SQLiteStatement(handle: raw, connection: self, sql: sql)
            statements[sql] = statement
        }
        try statement.reset(binding: values)
        return statement
    }

    /// Runs a statement that returns no rows and reports how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int {
        let statement = try statement(sql, values)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Calls `row` for every result row.
    func query(_ sql: String, _ values: [SQLValue] = [], row: (SQLiteStatement) throws -> Void) throws {
        let statement = try statement(sql, values)
        while try statement.step() { try row(statement) }
    }

    /// The first row mapped by `row`, or `nil`.
    func first<T>(_ sql: String, _ values: [SQLValue] = [], row: (SQLiteStatement) throws -> T) throws -> T? {
        let statement = try statement(sql, values)
        guard try statement.step() else { return nil }
        let value = try row(statement)
        statement.finish()
        return value
    }

    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Runs `body` in a transaction. Writers use `BEGIN IMMEDIATE`, which takes the write lock up front, so
    /// concurrent writers wait (busy timeout) instead of failing at commit with a stale snapshot.
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if let handle, sqlite3_get_autocommit(handle) == 0 { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
    func setBusyTimeout(milliseconds: Int32) {
        if let handle { sqlite3_busy_timeout(handle, milliseconds) }
    }

    /// Maps an SQLite result code to a ``StoreError`` naming the database and what was being done.
    func error(_ rc: Int32, while doing: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let place = "database '\(path)'"
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(.busy, "\(place) is locked by another process or connection (\(message))", underlyingCode: rc)
        case SQLITE_NOTADB, SQLITE_CORRUPT:
            return StoreError(.corrupt, "\(place) is not a valid pushgate database (\(message))", underlyingCode: rc)
        case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM:
            return StoreError(.io, "\(place): \(message)", underlyingCode: rc)
        default:
            return StoreError(.backend, "\(place): \(message) while \(doing)", underlyingCode: rc)
        }
    }

    private func closedError() -> StoreError {
        StoreError(.io, "database '\(path)' is closed", underlyingCode: SQLITE_MISUSE)
    }
}
