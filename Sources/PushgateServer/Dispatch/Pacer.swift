import Foundation
import PushgateCore

/// Paces provider calls with one ``TokenBucket`` per provider, account and region; a `Retry-After` from
/// the provider pushes that bucket's next token out, so every caller of that key waits.
package actor Pacer {
    private var buckets: [String: TokenBucket] = [:]
    private let clock: any WallClock
    private let configuration: PacingConfiguration

    package init(configuration: PacingConfiguration, clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Waits until a call for `key` may go.
    package func acquire(_ key: String, kind: ProviderKind) async throws {
        let now = clock.now()
        var bucket = buckets[key] ?? {
            let rate = configuration.rate(for: kind)
            return TokenBucket(rate: rate.perSecond, burst: rate.burst, now: now)
        }()
        let delay = bucket.reserve(now: now)
        buckets[key] = bucket
        if delay > 0 { try await clock.sleep(until: now.addingTimeInterval(delay)) }
    }

    /// The provider asked us to wait `seconds` before calling again.
    package func penalize(_ key: String, kind: ProviderKind, for seconds: TimeInterval) {
        let now = clock.now()
        var bucket = buckets[key] ?? TokenBucket(rate: configuration.rate(for: kind).perSecond, burst: configuration.rate(for: kind).burst, now: now)
        bucket.penalize(for: seconds, now: now)
        buckets[key] = bucket
    }
}
