import Foundation
import PushgateCore

/// The pool page's chart: submissions and terminal states per minute over the last hour, drawn as SVG on
/// the server (no chart library, no script).
enum UIActivityChart {
    static let width = 720
    static let height = 200
    static let minutes = 60

    /// The series in drawing order: name, colour, which events it counts.
    static let series: [(String, String, @Sendable (RunActivity.Event) -> Bool)] = [
        ("submitted", "#2457c5", { $0 == .submitted }),
        ("completed", "#1b7f3b", { $0 == .ended(.completed) }),
        ("failed or crashed", "#b42318", { $0 == .ended(.failed) || $0 == .ended(.crashed) }),
        ("cancelled", "#8a94a6", { $0 == .ended(.cancelled) }),
    ]

    static func svg(_ activity: [RunActivity], now: Date) -> String {
        let end = (now.timeIntervalSince1970 / 60).rounded(.down)
        let start = end - Double(minutes - 1)
        var values = Array(repeating: Array(repeating: 0, count: minutes), count: series.count)
        for item in activity {
            let index = Int(item.minute.timeIntervalSince1970 / 60 - start)
            guard index >= 0, index < minutes else { continue }
            for (s, entry) in series.enumerated() where entry.2(item.event) { values[s][index] += item.count }
        }
        let peak = max(1, values.flatMap { $0 }.max() ?? 1)
        let left = 40.0
        let top = 10.0
        let plotWidth = Double(width) - left - 10
        let plotHeight = Double(height) - top - 40
        func x(_ i: Int) -> Double { left + plotWidth * Double(i) / Double(minutes - 1) }
        func y(_ v: Int) -> Double { top + plotHeight * (1 - Double(v) / Double(peak)) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fff"/>
            <line x1="\(left)" y1="\(y(0))" x2="\(left + plotWidth)" y2="\(y(0))" stroke="#d8dde6"/>
            <text x="4" y="\(y(peak) + 4)">\(peak)/min</text><text x="4" y="\(y(0))">0</text>
            <text x="\(left)" y="\(y(0) + 14)">-60 min</text><text x="\(left + plotWidth - 24)" y="\(y(0) + 14)">now</text>

            """
        for (s, entry) in series.enumerated() {
            let points = (0..<minutes).map { String(format: "%.1f,%.1f", x($0), y(values[s][$0])) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(entry.1)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            let legendX = left + Double(s) * 150
            out += "<rect x=\"\(legendX)\" y=\"\(height - 12)\" width=\"10\" height=\"10\" fill=\"\(entry.1)\"/>"
            out += "<text x=\"\(legendX + 14)\" y=\"\(height - 3)\">\(HTML.escape(entry.0)) (\(values[s].reduce(0, +)))</text>\n"
        }
        return out + "</svg>\n"
    }
}
