import CSQLite3
import Foundation

/// A bare SQLite connection for tests that must poke at the file behind the store's back (hold a lock,
/// read a query plan, check integrity).
final class RawSQLite {
    private var handle: OpaquePointer?

    init(_ path: String) {
        sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs `sql` and returns every row as strings; throws the SQLite message on failure.
    @discardableResult
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw RawSQLiteError(message: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return result }
            guard rc == SQLITE_ROW else { throw RawSQLiteError(message: String(cString: sqlite3_errmsg(handle))) }
            result.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
                }
            )
        }
    }
}

struct RawSQLiteError: Error {
    var message: String
}
