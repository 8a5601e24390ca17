import Foundation

/// A small structured logger with value semantics (swift-log's shape): metadata set on a copy applies to
/// every line that copy writes, so a dispatcher can log with `run_id`, `pool` and `provider` on every line.
package struct Logger: Sendable {
    package enum Format: String, Sendable { case text, json }

    /// Where formatted lines go (stderr in the gateway; a buffer in tests).
    package typealias Sink = @Sendable (String) -> Void

    package var level: LogRecord.Level
    package var format: Format
    package var metadata: [(key: String, value: String)] = []
    private let sink: Sink
    private let clock: @Sendable () -> Date

    /// Field names whose values are never written, whatever the caller passes.
    static let secretKeys: Set<String> = [
        "authorization", "secret", "token", "password", "client_secret", "secret_access_key", "session_token",
        "assertion", "x-amz-security-token", "x-modal-token-secret",
    ]

    package init(level: LogRecord.Level = .info, format: Format = .text, clock: @escaping @Sendable () -> Date = Date.init, sink: @escaping Sink) {
        self.level = level
        self.format = format
        self.sink = sink
        self.clock = clock
    }

    /// A copy that adds `fields` to every line.
    package func with(_ fields: [(String, String)]) -> Logger {
        var copy = self
        copy.metadata += fields.map { (key: $0.0, value: $0.1) }
        return copy
    }

    package func debug(_ message: String, _ fields: [(String, String)] = []) { log(.debug, message, fields) }
    package func info(_ message: String, _ fields: [(String, String)] = []) { log(.info, message, fields) }
    package func warning(_ message: String, _ fields: [(String, String)] = []) { log(.warning, message, fields) }
    package func error(_ message: String, _ fields: [(String, String)] = []) { log(.error, message, fields) }

    package func log(_ level: LogRecord.Level, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= self.level else { return }
        let all = (metadata + fields.map { (key: $0.0, value: $0.1) }).filter { !Logger.secretKeys.contains($0.key.lowercased()) }
        sink(Logger.format(LogRecord(time: clock(), level: level, message: message, fields: all), as: format))
    }

    private static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// One line, newline-terminated: `TIME LEVEL message key=value…` or a JSON object.
    package static func format(_ record: LogRecord, as format: Format) -> String {
        let time = timeStyle.format(record.time)
        switch format {
        case .json:
            var object: [String: JSONValue] = ["time": .string(time), "level": .string(record.level.rawValue), "msg": .string(record.message)]
            for field in record.fields { object[field.key] = .string(field.value) }
            return JSONValue.object(object).serialized() + "\n"
        case .text:
            let fields = record.fields.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: " ")
            return "\(time) \(record.level.rawValue.uppercased()) \(record.message)\(fields.isEmpty ? "" : " " + fields)\n"
        }
    }

    private static func quoted(_ value: String) -> String {
        value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
            ? JSONValue.string(value).serialized() : value
    }
}
