import Foundation
import Synchronization

/// Counters, gauges and histograms rendered in the Prometheus text exposition format
/// (https://prometheus.io/docs/instrumenting/exposition_formats/). Thread-safe; cheap to update.
package final class MetricsRegistry: Sendable {
    package typealias Labels = [String: String]

    private struct Family {
        var help: String
        var type: String
        var counters: [Labels: Double] = [:]
        var histograms: [Labels: Histogram] = [:]
        var buckets: [Double] = []
    }

    private struct Histogram {
        var counts: [Int]
        var sum: Double = 0
        var count: Int = 0
    }

    private let families = Mutex<[String: Family]>([:])
    /// Labels added to every series (e.g. `replica`).
    package let constantLabels: Labels

    /// Latency buckets in seconds, from 1 ms to 10 s.
    package static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    package init(constantLabels: Labels = [:]) { self.constantLabels = constantLabels }

    /// Adds `value` to a counter.
    package func increment(_ name: String, help: String, labels: Labels = [:], by value: Double = 1) {
        families.withLock { all in
            all[name, default: Family(help: help, type: "counter")].counters[labels, default: 0] += value
        }
    }

    /// Sets a gauge.
    package func set(_ name: String, help: String, labels: Labels = [:], to value: Double) {
        families.withLock { all in
            all[name, default: Family(help: help, type: "gauge")].counters[labels] = value
        }
    }

    /// Replaces every series of a gauge at once (for values recomputed from the store each scrape).
    package func replaceGauge(_ name: String, help: String, series: [Labels: Double]) {
        families.withLock { all in
            var family = Family(help: help, type: "gauge")
            family.counters = series
            all[name] = family
        }
    }

    /// Records one observation in a histogram.
    package func observe(_ name: String, help: String, labels: Labels = [:], _ value: Double, buckets: [Double] = MetricsRegistry.latencyBuckets) {
        families.withLock { all in
            var family = all[name] ?? Family(help: help, type: "histogram", buckets: buckets)
            var histogram = family.histograms[labels] ?? Histogram(counts: Array(repeating: 0, count: family.buckets.count))
            for (i, bound) in family.buckets.enumerated() where value <= bound { histogram.counts[i] += 1 }
            histogram.sum += value
            histogram.count += 1
            family.histograms[labels] = histogram
            all[name] = family
        }
    }

    /// The value of a counter or gauge series (for tests and the health check).
    package func value(_ name: String, labels: Labels = [:]) -> Double? {
        families.withLock { $0[name]?.counters[labels] }
    }

    /// The whole registry in the Prometheus text format, families and series in a stable order.
    package func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            let family = snapshot[name]!
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.type)\n"
            for labels in family.counters.keys.sorted(by: { key($0) < key($1) }) {
                out += "\(name)\(format(labels)) \(number(family.counters[labels]!))\n"
            }
            for labels in family.histograms.keys.sorted(by: { key($0) < key($1) }) {
                let histogram = family.histograms[labels]!
                for (i, bound) in family.buckets.enumerated() {
                    out += "\(name)_bucket\(format(labels, extra: ("le", number(bound)))) \(histogram.counts[i])\n"
                }
                out += "\(name)_bucket\(format(labels, extra: ("le", "+Inf"))) \(histogram.count)\n"
                out += "\(name)_sum\(format(labels)) \(number(histogram.sum))\n"
                out += "\(name)_count\(format(labels)) \(histogram.count)\n"
            }
        }
        return out
    }

    private func key(_ labels: Labels) -> String {
        labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
    }

    private func format(_ labels: Labels, extra: (String, String)? = nil) -> String {
        var all = constantLabels.merging(labels) { _, new in new }
        if let extra { all[extra.0] = extra.1 }
        guard !all.isEmpty else { return "" }
        let parts = all.keys.sorted().map { name in
            let escaped = all[name]!.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(escaped)\""
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
