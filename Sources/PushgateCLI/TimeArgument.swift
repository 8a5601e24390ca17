import Foundation

/// A point in time given on the command line (`run create --at`, `dry-run --at`).
enum TimeArgument {
    /// Parses an RFC 3339 / ISO 8601 time, with or without fractional seconds.
    static func parse(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        throw UsageError("'\(text)' is not an ISO 8601 time such as 2026-01-01T12:00:00Z")
    }
}
