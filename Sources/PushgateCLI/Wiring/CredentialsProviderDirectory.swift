import Foundation
import PushgateCore
import PushgateProviders
import PushgateRegistry
import PushgateServer
import Synchronization

/// Providers built from the registry and the credentials file, one per pool type and profile, built once
/// and shared (so token caches and connection reuse work across runs). Each gets the transport its type
/// declares: gRPC providers an HTTP/2 client with trailers.
package final class CredentialsProviderDirectory: ProviderDirectory {
    private let credentials: CredentialsFile?
    private let http: any HTTPClient
    private let http2: any HTTPClient
    private let clock: any WallClock
    private let environment: [String: String]
    private let local: LocalExecution?
    private let cache = Mutex<[String: any Provider]>([:])

    package init(
        credentials: CredentialsFile?,
        http: any HTTPClient,
        http2: any HTTPClient,
        clock: any WallClock,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        local: LocalExecution? = nil
    ) {
        self.credentials = credentials
        self.http = http
        self.http2 = http2
        self.clock = clock
        self.environment = environment
        self.local = local
    }

    package func provider(for pool: WorkPool) throws -> any Provider {
        // The cache key is the provider's identity (type and profile), not its pacing key.
        let key = "\(pool.type)|\(pool.credentialsProfile ?? "")"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        guard let registration = ProviderRegistry.registration(forPoolType: pool.type) else {
            throw ProviderError(.invalidConfiguration, "pool '\(pool.name)': unknown type '\(pool.type)'")
        }
        let usesCredentials = registration.type.usesCredentials
        guard let credentials = credentials ?? (usesCredentials ? nil : CredentialsFile.empty()) else {
            throw ProviderError(.invalidConfiguration, "no credentials file was given (serve --credentials FILE)")
        }
        if usesCredentials, let problem = credentials.problem(kind: registration.type.credentialsProfileKind, profile: pool.credentialsProfile) {
            throw ProviderError(.invalidConfiguration, problem)
        }
        let client = registration.type.transport == .http2 ? http2 : http
        let provider: any Provider
        do {
            provider = try registration.makeProvider(
                .init(
                    credentials: credentials,
                    profile: pool.credentialsProfile ?? "",
                    http: client,
                    clock: clock,
                    environment: environment,
                    local: local
                )
            )
        } catch let error as CredentialsError {
            throw ProviderError(.invalidConfiguration, error.message)
        }
        cache.withLock { $0[key] = provider }
        return provider
    }
}
