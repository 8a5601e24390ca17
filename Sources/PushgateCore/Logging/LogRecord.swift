import Foundation

/// One structured log line: a level, a message and fields (run id, pool, provider…). Values are the
/// caller's responsibility never to be secrets; ``Logger`` still drops keys that name one.
package struct LogRecord: Sendable {
    package enum Level: String, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error
        package static func < (lhs: Level, rhs: Level) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }
    package var time: Date
    package var level: Level
    package var message: String
    package var fields: [(key: String, value: String)]

    package init(time: Date, level: Level, message: String, fields: [(key: String, value: String)]) {
        self.time = time
        self.level = level
        self.message = message
        self.fields = fields
    }
}
