import Foundation
import PushgateCore
import Synchronization

/// A clock that only moves when a test moves it; sleepers wake when `advance` passes their deadline.
package final class ManualClock: WallClock, Sendable {
    private struct State {
        var now: Date
        var sleepers: [(id: UUID, deadline: Date, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    package init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        state = Mutex(State(now: start))
    }

    package func now() -> Date { state.withLock { $0.now } }

    package func sleep(until deadline: Date) async throws {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if deadline <= s.now || Task.isCancelled { return true }
                    s.sleepers.append((id, deadline, c))
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            // A cancelled sleeper wakes at once, as Task.sleep does.
            let sleeper = state.withLock { s -> CheckedContinuation<Void, Never>? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index).continuation
            }
            sleeper?.resume()
        }
        try Task.checkCancellation()
    }

    /// Moves time forward by `seconds` and wakes every sleeper whose deadline has passed.
    package func advance(by seconds: TimeInterval) {
        let due = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.now = s.now.addingTimeInterval(seconds)
            let now = s.now
            let ready = s.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            s.sleepers.removeAll { $0.deadline <= now }
            return ready
        }
        due.forEach { $0.resume() }
    }
}
