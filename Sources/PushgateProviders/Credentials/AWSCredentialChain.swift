import Foundation
import PushgateCore
import PushgateSigning

/// The standard AWS chain in botocore's order (docs/provider-apis.md §2.9): environment, shared files
/// (with assume-role profiles), container credentials, IMDSv2. A source that throws `.notConfigured`
/// is skipped; any other error stops the chain (a broken source must not silently fall through).
package struct AWSCredentialChain: AWSCredentialProvider {
    package var providers: [any AWSCredentialProvider]

    package init(providers: [any AWSCredentialProvider]) { self.providers = providers }

    /// The standard chain for `environment`.
    package static func standard(
        environment: [String: String],
        sharedProfile: String? = nil,
        http: any HTTPClient,
        clock: any WallClock,
        stsEndpoint: String? = nil,
        imdsEndpoint: String? = nil
    ) -> AWSCredentialChain {
        var providers: [any AWSCredentialProvider] = []
        // botocore skips the environment keys only when a profile is passed explicitly.
        if sharedProfile == nil { providers.append(EnvironmentAWSCredentialProvider(environment: environment)) }
        providers.append(
            SharedFilesAWSCredentialProvider(
                environment: environment,
                profile: sharedProfile,
                http: http,
                clock: clock,
                stsEndpoint: stsEndpoint
            )
        )
        providers.append(ECSContainerCredentialProvider(environment: environment, http: http))
        providers.append(IMDSCredentialProvider(endpoint: imdsEndpoint, environment: environment, http: http))
        return AWSCredentialChain(providers: providers)
    }

    package func credentials() async throws -> AWSCredentials {
        var skipped: [String] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as CredentialsError where error.code == .notConfigured {
                skipped.append(error.message)
            }
        }
        throw CredentialsError(
            .notConfigured,
            "AWS credential chain: no source had credentials (\(skipped.joined(separator: "; ")))"
        )
    }
}
