import Foundation
import PushgateCore
import PushgateSigning

/// Caches another provider's credentials until `refreshMargin` before their `expiration` (botocore
/// refreshes 15 min early); long-term keys (no expiration) are fetched once.
package struct CachedAWSCredentialProvider: AWSCredentialProvider {
    private let cache: ExpiringValue<AWSCredentials>

    package init(_ base: any AWSCredentialProvider, clock: any WallClock, refreshMargin: TimeInterval = 900) {
        cache = ExpiringValue(clock: clock, refreshMargin: refreshMargin) {
            let credentials = try await base.credentials()
            return (credentials, credentials.expiration ?? .distantFuture)
        }
    }

    package func credentials() async throws -> AWSCredentials { try await cache.get() }
    /// Forces the next call to fetch (after an ExpiredToken answer).
    package func invalidate() async { await cache.invalidate() }
}
