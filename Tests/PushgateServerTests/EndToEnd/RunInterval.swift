import Foundation
import PushgateCore

/// A span during which a run held a slot (from the store's history, or as the fake provider saw its task),
/// for checking after a test that no limit was exceeded.
struct RunInterval {
    var run: FlowRun
    var start: Date
    var end: Date
}

extension Sequence<RunInterval> {
    /// The most intervals open at one instant. At equal times an end comes before a start: a slot freed and
    /// taken in one instant.
    func maxOverlap() -> Int {
        var events: [(at: Date, delta: Int)] = []
        for interval in self {
            events.append((interval.start, 1))
            events.append((interval.end, -1))
        }
        events.sort { lhs, rhs in lhs.at == rhs.at ? lhs.delta < rhs.delta : lhs.at < rhs.at }
        var current = 0
        var best = 0
        for event in events {
            current += event.delta
            best = Swift.max(best, current)
        }
        return best
    }
}
