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
    /// How the credentials-file section its pools name is parsed; nil for a type that needs none (`process`).
    package var profileKind: CredentialProfileKind?
    private let build: @Sendable (Context) throws -> any Provider
    private let profileDefaults: @Sendable (CredentialsFile, String) -> [String: JSONValue]

    /// - Parameter profileDefaults: job variables a credentials profile holds (ACI's subscription and
    ///   resource group), which `pool create/update` writes into the template's defaults where it has none.
    package init(
        type: ProviderType,
        profileKind: CredentialProfileKind?,
        profileDefaults: @escaping @Sendable (CredentialsFile, String) -> [String: JSONValue] = { _, _ in [:] },
        build: @escaping @Sendable (Context) throws -> any Provider
    ) {
        precondition(type.credentialsProfileKind == (profileKind?.name ?? ""), "\(type.kind): profile kind mismatch")
        self.type = type
        self.profileKind = profileKind
        self.profileDefaults = profileDefaults
        self.build = build
    }

    /// The job variables `profile` of `credentials` supplies (empty when the profile is missing).
    package func variableDefaults(credentials: CredentialsFile, profile: String) -> [String: JSONValue] {
        profileDefaults(credentials, profile)
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
