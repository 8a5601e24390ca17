import Foundation
import Synchronization

/// When a loop last completed a pass, so `/health` can tell a stuck loop from a live one.
package final class Heartbeat: Sendable {
    private let last = Mutex<Date?>(nil)
    package init() {}
    package func beat(_ now: Date) { last.withLock { $0 = now } }
    /// Alive when the last pass ended within `window` of `now` (a loop that never ran is not alive).
    package func isAlive(now: Date, window: TimeInterval) -> Bool {
        last.withLock { $0.map { now.timeIntervalSince($0) <= window } ?? false }
    }
}
