import Foundation
import PushgateCore

/// How the listing and inspect commands lay out their output: text for people, or with `--json` the
/// ``ModelJSON`` forms the HTTP API uses too.
enum TableOutput {
    /// An `ls` listing: the pretty-printed JSON array of `items` with `--json`, else a table of `header` and `rows`.
    static func list(
        _ parsed: ParsedArguments,
        _ context: CommandContext,
        json items: @autoclosure () -> [JSONValue],
        header: [String],
        rows: @autoclosure () -> [[String]]
    ) {
        context.print(parsed.flag("json") ? JSONValue.array(items()).serialized(pretty: true) : table(header, rows()))
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// A time as the JSON output writes it, or `-` when there is none.
    static func time(_ date: Date?) -> String { date.map(ModelJSON.timestamp) ?? "-" }

    /// `Scheduled → Pending: claimed by …`; a change that keeps the state (a submission, a lease taken
    /// over) reads `Pending: submitted as …`.
    static func transition(_ entry: StateTransition) -> String {
        let from = entry.from.flatMap { $0 == entry.to ? nil : "\($0.displayName) → " } ?? ""
        return "\(from)\(entry.to.displayName): \(entry.reason)"
    }
}
