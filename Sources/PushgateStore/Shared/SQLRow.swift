import Foundation

/// One result row read by column index. SQLite statements and PostgreSQL results both conform, so the
/// row decoders and the selection reads are written once for both stores.
protocol SQLRow {
    func isNull(_ column: Int32) -> Bool
    func int64(_ column: Int32) -> Int64
    func text(_ column: Int32) -> String
    func int(_ column: Int32) -> Int
    func optionalInt(_ column: Int32) -> Int?
    func bool(_ column: Int32) -> Bool
    func date(_ column: Int32) -> Date
    func optionalDate(_ column: Int32) -> Date?
    func optionalText(_ column: Int32) -> String?
}

extension SQLRow {
    func int(_ column: Int32) -> Int { Int(int64(column)) }
    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }
    func bool(_ column: Int32) -> Bool { int64(column) != 0 }
    func date(_ column: Int32) -> Date { SQLValue.date(milliseconds: int64(column)) }
    func optionalDate(_ column: Int32) -> Date? { isNull(column) ? nil : date(column) }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}

/// A connection that runs `?`-parameterised statements inside the caller's transaction; what the shared
/// store helpers need from a backend.
protocol SQLQuerying {
    associatedtype Row: SQLRow

    /// Calls `row` for every result row.
    func query(_ sql: String, _ values: [SQLValue], row: (Row) throws -> Void) throws
    /// The first row mapped by `row`, or `nil`.
    func first<T>(_ sql: String, _ values: [SQLValue], row: (Row) throws -> T) throws -> T?
    /// Runs a statement that returns no rows and reports how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Runs one `INSERT` of a row with a generated `id` and returns that id.
    func insertReturningID(_ sql: String, _ values: [SQLValue]) throws -> Int64
    /// Runs statements without parameters (the schema's migration steps).
    func execute(_ sql: String) throws
}

extension SQLiteStatement: SQLRow {}

extension SQLiteConnection: SQLQuerying {
    /// The connection's last insert rowid, which is the `id` of the row just inserted.
    func insertReturningID(_ sql: String, _ values: [SQLValue]) throws -> Int64 {
        try run(sql, values)
        return lastInsertRowID
    }
}
