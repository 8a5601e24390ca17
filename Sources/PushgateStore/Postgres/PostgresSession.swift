import CLibPQ
import Foundation
import PushgateCore

/// Owns one `PGconn` and closes it exactly once. Not thread-safe by itself: only its
/// ``PostgresConnection`` (an actor on its own serial queue) calls it, so every blocking libpq call runs off
/// the cooperative pool. Statements with parameters are prepared once per connection (`PQprepare`) and run
/// with `PQexecPrepared` and text parameters; the shared SQL's `?` placeholders become `$1...$n`.
final class PostgresSession {
    private let info: PostgresConnectionInfo
    private var handle: OpaquePointer?
    /// Statement name by SQL text (as written, with `?`).
    private var prepared: [String: String] = [:]

    /// Connects (blocking). libpq's defaults apply, plus `connect_timeout=10` and `application_name=pushgate`
    /// unless the connection string sets them. A `statementTimeout` becomes `-c statement_timeout=<ms>` in
    /// the startup `options`, ahead of the string's own options (the last setting wins, so the string's does),
    /// so a statement stuck behind another connection's lock fails with SQLSTATE 57014 instead of hanging.
    init(info: PostgresConnectionInfo, statementTimeout: TimeInterval? = nil) throws(PostgresError) {
        self.info = info
        var keywords = ["connect_timeout", "application_name", "dbname"]
        var values = ["10", "pushgate", info.conninfo]
        let ownOptions = statementTimeout.map { "-c statement_timeout=\(Self.milliseconds($0))" }
        if let options = [ownOptions, info.serverOptions].compactMap({ $0 }).nonEmptyJoined {
            // After `dbname`: the expanded connection string's `options` would otherwise replace these.
            keywords.append("options")
            values.append(options)
        }
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        handle = connection
        // Notices (and a FATAL that arrives between queries) would go to stderr, and may echo names that
        // are the password; the store reports failures through its errors only.
        if let connection { PQsetNoticeProcessor(connection, { _, _ in }, nil) }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            // "you must call PQfinish when you are finished with it ... even if the connection attempt fails"
            close()
            throw PostgresError(
                sqlState: nil,
                message: "cannot connect: " + info.scrub(message).trimmingCharacters(in: .whitespacesAndNewlines),
                connectionLost: true
            )
        }
    }

    deinit { close() }

    /// Closes the connection; later calls fail as a lost connection.
    func close() {
        prepared.removeAll()
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// True once the connection is closed or libpq reports it broken.
    var isBroken: Bool { handle.map { PQstatus($0) != CONNECTION_OK } ?? true }

    /// The server process serving this connection (for `pg_terminate_backend` in tests).
    var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    /// Runs one or more statements without parameters through the simple query protocol (migrations, BEGIN).
    func execute(_ sql: String) throws(PostgresError) {
        let connection = try open()
        _ = try check(PQexec(connection, sql), connection)
    }

    /// Runs SQL text through the simple query protocol and returns the last statement's rows as text.
    func rows(_ sql: String) throws(PostgresError) -> [[String?]] {
        let connection = try open()
        let result = try check(PQexec(connection, sql), connection)
        return (0..<result.rowCount).map { row in
            (0..<result.columnCount).map { column in
                result.isNull(row: row, column: column) ? nil : result.text(row: row, column: column)
            }
        }
    }

    /// Runs `sql` (with `?` placeholders) with `values` as text parameters, preparing it on first use.
    func result(_ sql: String, _ values: [SQLValue]) throws(PostgresError) -> PostgresResult {
        let connection = try open()
        let name: String
        if let cached = prepared[sql] {
            name = cached
        } else {
            name = "pushgate_\(prepared.count + 1)"
            _ = try check(PQprepare(connection, name, Self.numberedParameters(sql), Int32(values.count), nil), connection)
            prepared[sql] = name
        }
        let texts: [String?] = values.map { value in
            switch value {
            case .null: return nil
            case .integer(let v): return String(v)
            case .real(let v): return String(v)
            case .text(let v): return v
            }
        }
        let raw = Self.withOptionalCStrings(texts) { pointers in
            PQexecPrepared(connection, name, Int32(texts.count), pointers, nil, nil, 0)
        }
        return try check(raw, connection)
    }

    /// Runs `body` between `begin` (e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ`) and COMMIT; rolls back when
    /// it throws. A failure while COMMIT is in flight is marked ``PostgresError/duringCommit``.
    func transaction<T>(_ begin: String, _ body: (PostgresSession) throws -> T) throws -> T {
        try execute(begin)
        let result: T
        do {
            result = try body(self)
        } catch {
            if let handle, PQstatus(handle) == CONNECTION_OK { PQclear(PQexec(handle, "ROLLBACK")) }
            throw error
        }
        do throws(PostgresError) {
            let connection = try open()
            let outcome = try check(PQexec(connection, "COMMIT"), connection)
            // COMMIT of a transaction that had already failed reports ROLLBACK instead of an error.
            if outcome.commandStatus != "COMMIT" {
                throw PostgresError(sqlState: nil, message: "the transaction was rolled back", connectionLost: false)
            }
        } catch var error {
            error.duringCommit = true
            throw error
        }
        return result
    }

    // MARK: Helpers

    private func open() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(sqlState: nil, message: "connection is closed", connectionLost: true) }
        return handle
    }

    /// Wraps a result, or turns a failed one into a ``PostgresError`` with its SQLSTATE and primary message.
    private func check(_ raw: OpaquePointer?, _ connection: OpaquePointer) throws(PostgresError) -> PostgresResult {
        guard let raw else {
            let message = String(cString: PQerrorMessage(connection))
            throw PostgresError(sqlState: nil, message: info.scrub(message).trimmed, connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
        let result = PostgresResult(handle: raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            let state = PQresultErrorField(raw, Self.diagnostic("C")).map { String(cString: $0) }
            let primary = PQresultErrorField(raw, Self.diagnostic("M")).map { String(cString: $0) }
            let message = primary ?? String(cString: PQresultErrorMessage(raw))
            let lost =
                PQstatus(connection) != CONNECTION_OK || (state?.hasPrefix("08") ?? false)
                || state == "57P01" || state == "57P02"
            throw PostgresError(sqlState: state, message: info.scrub(message).trimmed, connectionLost: lost)
        }
    }

    /// At least 1 ms: `statement_timeout=0` would switch the timeout off.
    private static func milliseconds(_ interval: TimeInterval) -> Int {
        max(1, Int((interval * 1000).rounded(.up)))
    }

    private static func diagnostic(_ code: Unicode.Scalar) -> Int32 { Int32(code.value) }

    /// Replaces each `?` outside quotes and comments with `$1`, `$2`, ... in order.
    static func numberedParameters(_ sql: String) -> String {
        var output = ""
        var number = 0
        var quote: Character?
        var inComment = false
        var previous: Character?
        for character in sql {
            if inComment {
                if character == "\n" { inComment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-" && previous == "-" {
                inComment = true
            } else if character == "?" {
                number += 1
                output += "$\(number)"
                previous = character
                continue
            }
            output.append(character)
            previous = character
        }
        return output
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        withOptionalCStrings(strings + [nil], body)
    }

    /// Copies `strings` to C for the duration of `body` (nil stays a null pointer: SQL NULL, or the
    /// terminator of a keyword list).
    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

extension PostgresSession: SQLQuerying {
    func query(_ sql: String, _ values: [SQLValue] = [], row: (PostgresRow) throws -> Void) throws {
        let result = try result(sql, values)
        for index in 0..<result.rowCount { try row(PostgresRow(result: result, index: index)) }
    }

    func first<T>(_ sql: String, _ values: [SQLValue] = [], row: (PostgresRow) throws -> T) throws -> T? {
        let result = try result(sql, values)
        guard result.rowCount > 0 else { return nil }
        return try row(PostgresRow(result: result, index: 0))
    }

    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try result(sql, values).changedRows
    }

    /// The id comes back from `RETURNING id` (PostgreSQL has no connection-wide last insert id).
    func insertReturningID(_ sql: String, _ values: [SQLValue]) throws -> Int64 {
        try first(sql + " RETURNING id", values) { $0.int64(0) } ?? 0
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension [String] {
    /// The strings joined by spaces, or nil when there are none.
    fileprivate var nonEmptyJoined: String? { isEmpty ? nil : joined(separator: " ") }
}
