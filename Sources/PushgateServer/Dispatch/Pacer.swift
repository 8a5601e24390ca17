import Foundation
import PushgateCore

/// Paces provider calls with one ``TokenBucket`` per ``PacingKey`` (provider, account and region); a
/// `Retry-After` from the provider pushes that bucket's next token out, so every caller of that key waits.
package actor Pacer {
    private var buckets: [PacingKey: TokenBucket] = [:]
    private let clock: any WallClock
    private let configuration: PacingConfiguration

    package init(configuration: PacingConfiguration, clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Waits until a call for `key` may go.
    package func acquire(_ key: PacingKey) async throws {
        let now = clock.now()
        var bucket = buckets[key] ?? newBucket(key, now: now)
        let delay = bucket.reserve(now: now)
        buckets[key] = bucket
        if delay > 0 { try await clock.sleep(until: now.addingTimeInterval(delay)) }
    }

    /// The provider asked us to wait `seconds` before calling again.
    package func penalize(_ key: PacingKey, for seconds: TimeInterval) {
        let now = clock.now()
        var bucket = buckets[key] ?? newBucket(key, now: now)
        bucket.penalize(for: seconds, now: now)
        buckets[key] = bucket
    }

    private func newBucket(_ key: PacingKey, now: Date) -> TokenBucket {
        let rate = configuration.rate(for: key.kind)
        return TokenBucket(rate: rate.perSecond, burst: rate.burst, now: now)
    }
}
