import Foundation

/// A value bound to a statement parameter. Times are stored as integer milliseconds since 1970, which
/// sort and index the same way on SQLite and PostgreSQL.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func int(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    static func int64(_ value: Int64?) -> SQLValue { value.map { .integer($0) } ?? .null }
    static func string(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
    static func date(_ value: Date?) -> SQLValue { value.map { .integer(milliseconds($0)) } ?? .null }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
