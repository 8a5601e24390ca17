import Foundation
import PushgateCore

/// How the listing and inspect commands lay out text for people; `--json` output uses ``ModelJSON``.
enum TableOutput {
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
}
