import Foundation

/// One line of the benchmark table: pushgate's figure, the peer's on the same inputs, and the ratio.
struct BenchRow {
    var workload: String
    var unit: String
    var pushgate: Measurement
    var peerName: String?
    var peer: Measurement?
    /// True when a smaller figure is better (latency); the ratio is then peer / pushgate either way.
    var lowerIsBetter: Bool
    var note: String = ""

    var ratio: Double? {
        guard let peer else { return nil }
        return lowerIsBetter ? peer.median / pushgate.median : pushgate.median / peer.median
    }
}

/// The median and spread of repeated measurements.
struct Measurement {
    var samples: [Double]
    var median: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    var spread: String {
        guard let lo = samples.min(), let hi = samples.max() else { return "" }
        return "\(BenchTable.format(lo))–\(BenchTable.format(hi))"
    }
}

enum BenchTable {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "-" }
        if value >= 100_000 { return String(format: "%.0f", value) }
        if value >= 100 { return String(format: "%.1f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    static func print(_ rows: [BenchRow]) {
        var lines: [[String]] = [["workload", "unit", "pushgate (median)", "spread", "peer", "peer (median)", "ratio", "note"]]
        for row in rows {
            lines.append([
                row.workload, row.unit, format(row.pushgate.median), row.pushgate.spread, row.peerName ?? "-",
                row.peer.map { format($0.median) } ?? "-", row.ratio.map { String(format: "%.1fx", $0) } ?? "-", row.note,
            ])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        for (i, line) in lines.enumerated() {
            Swift.print("| " + zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |")
            if i == 0 { Swift.print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|") }
        }
    }
}

/// Monotonic time in seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Resident set size of this process in MiB, from /proc/self/status.
func residentMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return .nan }
    let kib = Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    return kib / 1024
}
