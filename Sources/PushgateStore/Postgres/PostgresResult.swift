import CLibPQ
import Foundation

/// Owns one `PGresult` and clears it exactly once, when the object goes away. Values arrive in text format.
final class PostgresResult {
    private let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { PQclear(handle) }

    var rowCount: Int32 { PQntuples(handle) }
    var columnCount: Int32 { PQnfields(handle) }

    /// The command tag's verb and count (`COMMIT`, `UPDATE 3`).
    var commandStatus: String { PQcmdStatus(handle).map { String(cString: $0) } ?? "" }

    /// Rows an INSERT, UPDATE or DELETE changed (0 for other commands).
    var changedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    func isNull(row: Int32, column: Int32) -> Bool { PQgetisnull(handle, row, column) != 0 }

    func text(row: Int32, column: Int32) -> String {
        guard let value = PQgetvalue(handle, row, column) else { return "" }
        return String(cString: value)
    }
}

/// One row of a ``PostgresResult``; keeps the result alive while it is read.
struct PostgresRow: SQLRow {
    let result: PostgresResult
    let index: Int32

    func isNull(_ column: Int32) -> Bool { result.isNull(row: index, column: column) }
    func text(_ column: Int32) -> String { result.text(row: index, column: column) }
    func int64(_ column: Int32) -> Int64 { Int64(text(column)) ?? 0 }

    /// Integer flags are stored as 0/1; a real `boolean` arrives as `t`/`f`.
    func bool(_ column: Int32) -> Bool {
        let value = text(column)
        return value == "t" || (Int64(value) ?? 0) != 0
    }
}
