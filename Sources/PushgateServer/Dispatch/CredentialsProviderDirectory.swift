import Foundation
import PushgateCore
import PushgateProviders
import Synchronization

/// Providers built from the credentials file, one per pool type and profile, built once and shared (so
/// token caches and connection reuse work across runs).
package final class CredentialsProviderDirectory: ProviderDirectory {
    private let credentials: CredentialsFile?
    private let http: any HTTPClient
    private let clock: any WallClock
    private let cache = Mutex<[String: any Provider]>([:])

    package init(credentials: CredentialsFile?, http: any HTTPClient, clock: any WallClock) {
        self.credentials = credentials
        self.http = http
        self.clock = clock
    }

    package func provider(for pool: WorkPool) throws -> any Provider {
        let key = pacingKey(for: pool)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let kind = ProviderKind(poolType: pool.type) else {
            throw ProviderError(.invalidConfiguration, "pool '\(pool.name)': unknown type '\(pool.type)'")
        }
        guard let credentials else {
            throw ProviderError(.invalidConfiguration, "pool '\(pool.name)': no credentials file was given (--credentials)")
        }
        guard let profile = pool.credentialsProfile else {
            throw ProviderError(.invalidConfiguration, "pool '\(pool.name)' names no credentials profile")
        }
        let provider = try ProviderFactory.make(kind: kind, credentials: credentials, profile: profile, http: http, clock: clock)
        cache.withLock { $0[key] = provider }
        return provider
    }
}
