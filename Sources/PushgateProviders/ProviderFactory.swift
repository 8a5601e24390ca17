import Foundation
import PushgateCore

/// Builds the ``Provider`` for a pool's type from the credentials file and the pool's profile: the one
/// place that wires endpoints, credential sources, the HTTP client and the clock together (used by the
/// composition root, `pushgate dry-run` and the server's provider directory).
package enum ProviderFactory {
    /// The provider for `kind` using profile `profile` of `credentials`.
    /// - Parameters:
    ///   - environment: what the AWS standard chain reads (`AWS_ACCESS_KEY_ID`, container credentials…).
    /// - Throws: ``ProviderError`` `.invalidConfiguration` naming the profile and the missing or refused
    ///   field (unknown profile, no region, a bad key file…); nothing is sent while building.
    package static func make(
        kind: ProviderKind,
        credentials: CredentialsFile,
        profile: String,
        http: any HTTPClient,
        clock: any WallClock,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any Provider {
        do {
            switch kind {
            case .ecs:
                return try ecs(credentials: credentials, profile: profile, http: http, clock: clock, environment: environment)
            case .cloudRunV2:
                return try cloudRunV2(credentials: credentials, profile: profile, http: http, clock: clock)
            case .azureContainerInstance:
                return try containerInstances(credentials: credentials, profile: profile, http: http, clock: clock)
            case .modal:
                return try modal(credentials: credentials, profile: profile, http: http, clock: clock)
            }
        } catch let error as CredentialsError {
            throw ProviderError(.invalidConfiguration, error.message, httpStatus: error.httpStatus, providerCode: error.providerCode)
        }
    }

    /// ECS from an `[aws NAME]` profile: its region (required: endpoint and SigV4 scope), its
    /// `endpoint_url` override, and its cached credential source (docs/provider-apis.md §2.1, §2.9).
    package static func ecs(
        credentials: CredentialsFile,
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock,
        environment: [String: String]
    ) throws -> ECSProvider {
        let profile = try credentials.awsProfile(name)
        guard let region = profile.region, !region.isEmpty else {
            throw ProviderError(
                .invalidConfiguration,
                "\(profile.place): [aws \(name)]: region is missing (ECS needs it for the endpoint and the SigV4 scope)")
        }
        let source = try credentials.awsCredentialProvider(profile: name, environment: environment, http: http, clock: clock)
        return ECSProvider(region: region, endpoint: profile.endpointURL, credentials: source, http: http, clock: clock)
    }

    static func notYetSupported(_ kind: ProviderKind) -> ProviderError {
        ProviderError(.invalidConfiguration, "\(kind.rawValue): not yet supported by ProviderFactory")
    }
}
