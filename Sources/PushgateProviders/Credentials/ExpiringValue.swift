import Foundation
import PushgateCore

/// A cached value with an expiry (tokens, temporary credentials), refreshed `refreshMargin` before it
/// expires, with at most ONE refresh in flight: concurrent callers wait for the same fetch (soto-core's
/// `ExpiringValue`; docs/design.md "Credentials": tokens are cached and refreshed before expiry, one
/// refresh at a time).
/// The waiting uses continuations, so no unstructured task is created.
package actor ExpiringValue<Value: Sendable> {
    package typealias Fetch = @Sendable () async throws -> (value: Value, expiresAt: Date)

    private enum State {
        case empty
        case ready(Value, expiresAt: Date)
        /// A fetch is running; `previous` is the still-valid value it replaces, if any.
        case refreshing(waiters: [CheckedContinuation<Value, any Error>], previous: (Value, Date)?)
    }

    private var state: State = .empty
    private let clock: any WallClock
    private let fetch: Fetch
    package let refreshMargin: TimeInterval
    /// How many fetches ran (for tests and metrics).
    package private(set) var fetchCount = 0

    package init(clock: any WallClock, refreshMargin: TimeInterval, fetch: @escaping Fetch) {
        self.clock = clock
        self.refreshMargin = refreshMargin
        self.fetch = fetch
    }

    /// Callers waiting on the fetch in flight (not counting the one running it).
    package var waitingCallers: Int {
        if case .refreshing(let waiters, _) = state { return waiters.count }
        return 0
    }

    /// The cached value, or a fresh one when it is missing or inside the refresh margin. If a refresh
    /// fails while the old value has not yet expired, the old value is returned (botocore's advisory window).
    package func get() async throws -> Value {
        var previous: (Value, Date)?
        switch state {
        case .ready(let value, let expiresAt):
            if clock.now() < expiresAt.addingTimeInterval(-refreshMargin) { return value }
            previous = (value, expiresAt)
        case .refreshing(var waiters, let inFlightPrevious):
            return try await withCheckedThrowingContinuation { continuation in
                waiters.append(continuation)
                state = .refreshing(waiters: waiters, previous: inFlightPrevious)
            }
        case .empty:
            break
        }
        state = .refreshing(waiters: [], previous: previous)
        fetchCount += 1
        do {
            let fresh = try await fetch()
            let waiters = takeWaiters()
            state = .ready(fresh.value, expiresAt: fresh.expiresAt)
            waiters.forEach { $0.resume(returning: fresh.value) }
            return fresh.value
        } catch {
            let waiters = takeWaiters()
            if let previous, clock.now() < previous.1 {
                state = .ready(previous.0, expiresAt: previous.1)
                waiters.forEach { $0.resume(returning: previous.0) }
                return previous.0
            }
            state = .empty
            waiters.forEach { $0.resume(throwing: error) }
            throw error
        }
    }

    /// Drops the cached value (after a 401/403 the next `get()` refetches once).
    package func invalidate() {
        if case .ready = state { state = .empty }
    }

    /// Drops the cached value only when `stale` says it is the one that failed: a late 401 of a call that
    /// went out before a refresh must not throw the refreshed value away.
    package func invalidate(where stale: (Value) -> Bool) {
        if case .ready(let value, _) = state, stale(value) { state = .empty }
    }

    private func takeWaiters() -> [CheckedContinuation<Value, any Error>] {
        if case .refreshing(let waiters, _) = state { return waiters }
        return []
    }
}
