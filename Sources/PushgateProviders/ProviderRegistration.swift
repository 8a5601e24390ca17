import Foundation
import PushgateCore

/// One work-pool type as the composition root wires it: what the gateway knows of it (``ProviderType``)
/// and how its ``Provider`` is built from a credentials profile. Each provider folder declares one
/// (`ProviderRegistration.ecs`); the registry lists them, so adding a provider edits no switch.
package struct ProviderRegistration: Sendable {
    /// What a provider is built from: nothing is sent while building.
    package struct Context: Sendable {
        package var credentials: CredentialsFile
        package var profile: String
        /// A client of the ``ProviderType/transport`` the type declares.
        package var http: any HTTPClient
        package var clock: any WallClock
        /// What the AWS standard chain reads (`AWS_ACCESS_KEY_ID`, container credentials…).
        package var environment: [String: String]
        /// For types that run on the gateway's host (`process`); nil where the caller runs nothing locally.
        package var local: LocalExecution?

        package init(
            credentials: CredentialsFile,
            profile: String,
            http: any HTTPClient,
            clock: any WallClock,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            local: LocalExecution? = nil
        ) {
            self.credentials = credentials
            self.profile = profile
            self.http = http
            self.clock = clock
            self.environment = environment
            self.local = local
        }
    }

    package var type: ProviderType
    private let build: @Sendable (Context) throws -> any Provider

    package init(type: ProviderType, build: @escaping @Sendable (Context) throws -> any Provider) {
        self.type = type
        self.build = build
    }

    package var kind: ProviderKind { type.kind }

    /// The provider for `context`'s profile.
    /// - Throws: ``ProviderError`` `.invalidConfiguration` naming the profile and the missing or refused
    ///   field (unknown profile, no region, a bad key file…).
    package func makeProvider(_ context: Context) throws -> any Provider {
        do {
            return try build(context)
        } catch let error as CredentialsError {
            throw ProviderError(.invalidConfiguration, error.message, httpStatus: error.httpStatus, providerCode: error.providerCode)
        }
    }
}
