import Foundation

/// A token bucket: `rate` calls per second on average, bursts up to `burst`. Pure; the caller passes the
/// time and sleeps for the returned delay. Used to pace calls per provider, account and region within the
/// published quotas (docs/peers.md §2.1, e.g. ECS RunTask 20/s sustained with a burst of 100 on Fargate).
package struct TokenBucket: Sendable, Equatable {
    package var rate: Double
    package var burst: Double
    private var tokens: Double
    private var updatedAt: Date

    package init(rate: Double, burst: Double, now: Date) {
        self.rate = rate
        self.burst = max(1, burst)
        tokens = max(1, burst)
        updatedAt = now
    }

    /// Takes one token, returning how long the caller must wait before making its call (0 when a token
    /// was available). Waiting callers queue: each reserves its own future token.
    package mutating func reserve(now: Date) -> TimeInterval {
        refill(now: now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Pushes the next token out by `seconds` (a provider said `Retry-After`): no call goes before then.
    package mutating func penalize(for seconds: TimeInterval, now: Date) {
        refill(now: now)
        tokens = min(tokens, 0) - seconds * rate
    }

    private mutating func refill(now: Date) {
        let elapsed = now.timeIntervalSince(updatedAt)
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * rate)
            updatedAt = now
        }
    }
}
