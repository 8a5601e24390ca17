import Foundation
import PushgateCore

/// A source of OAuth2 bearer tokens (Google, Azure). Implementations fetch; ``CachedBearerTokenProvider`` caches.
package protocol BearerTokenProvider: Sendable {
    func token() async throws -> BearerToken
    /// Forgets whatever the source cached, so the next ``token()`` fetches, re-reads or re-runs: called
    /// once after a 401 (an expired or rotated token). Sources that cache nothing keep the default no-op.
    func invalidate() async
    /// Like ``invalidate()``, but only while the cached token is still `authorization` (the header a 401
    /// answered): with several calls in flight, each late 401 of the old token must not make the source
    /// fetch (or run a plugin) again. The default forgets unconditionally.
    func invalidate(refused authorization: String) async
}

extension BearerTokenProvider {
    package func invalidate() async {}
    package func invalidate(refused authorization: String) async { await invalidate() }
}

/// Caches tokens until `refreshMargin` before expiry (Google and Azure both advise about 5 minutes),
/// one refresh at a time.
package struct CachedBearerTokenProvider: BearerTokenProvider {
    private let cache: ExpiringValue<BearerToken>

    package init(_ base: any BearerTokenProvider, clock: any WallClock, refreshMargin: TimeInterval = 300) {
        cache = ExpiringValue(clock: clock, refreshMargin: refreshMargin) {
            let token = try await base.token()
            return (token, token.expiresAt)
        }
    }

    package func token() async throws -> BearerToken { try await cache.get() }
    /// Forces the next call to fetch (after a 401).
    package func invalidate() async { await cache.invalidate() }
    package func invalidate(refused authorization: String) async { await cache.invalidate { $0.authorizationHeader == authorization } }
}
