import Foundation

/// Wall-clock time as a dependency, so scheduling, token expiry and retry decisions can be tested
/// with a manual clock instead of sleeping.
package protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Suspends the caller until `deadline` (or until the task is cancelled).
    func sleep(until deadline: Date) async throws
}

/// The real clock.
package struct SystemClock: WallClock {
    package init() {}
    package func now() -> Date { Date() }
    package func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        if interval > 0 { try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000)) }
    }
}
