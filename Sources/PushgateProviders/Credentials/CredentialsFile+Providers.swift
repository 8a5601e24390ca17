import Foundation
import PushgateCore
import PushgateSigning

/// Turns profiles into cached credential sources. The HTTP client, clock and environment are
/// parameters, so the same code runs against real endpoints, emulators and recording fakes.
extension CredentialsFile {
    /// Cached credentials for `[aws NAME]` (static keys, assume-role or the standard chain).
    package func awsCredentialProvider(
        profile name: String,
        environment: [String: String],
        http: any HTTPClient,
        clock: any WallClock
    ) throws -> CachedAWSCredentialProvider {
        CachedAWSCredentialProvider(
            try uncachedAWSProvider(try awsProfile(name), environment: environment, http: http, clock: clock, depth: 0),
            clock: clock
        )
    }

    private func uncachedAWSProvider(
        _ profile: AWSProfile,
        environment: [String: String],
        http: any HTTPClient,
        clock: any WallClock,
        depth: Int
    ) throws -> any AWSCredentialProvider {
        switch profile.source {
        case .staticKeys(let credentials):
            return StaticAWSCredentialProvider(credentials)
        case .chain(let sharedProfile):
            return AWSCredentialChain.standard(
                environment: environment,
                sharedProfile: sharedProfile,
                http: http,
                clock: clock,
                stsEndpoint: profile.stsEndpoint,
                imdsEndpoint: profile.imdsEndpoint
            )
        case .assumeRole(let role):
            let base: any AWSCredentialProvider
            switch role.base {
            case .keys(let credentials): base = StaticAWSCredentialProvider(credentials)
            case .chain:
                base = AWSCredentialChain.standard(
                    environment: environment,
                    http: http,
                    clock: clock,
                    stsEndpoint: profile.stsEndpoint,
                    imdsEndpoint: profile.imdsEndpoint
                )
            case .profile(let other):
                // The file parser already rejected unknown names and cycles.
                base = try uncachedAWSProvider(
                    try awsProfile(other),
                    environment: environment,
                    http: http,
                    clock: clock,
                    depth: depth + 1
                )
            }
            return STSAssumeRoleProvider(
                base: base,
                role: role,
                region: profile.region ?? "us-east-1",
                endpoint: profile.stsEndpoint,
                http: http,
                clock: clock
            )
        }
    }

    /// Cached access tokens for `[gcp NAME]` (service-account key exchange or the metadata server).
    package func gcpTokenProvider(
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    ) throws
        -> CachedBearerTokenProvider
    {
        let profile = try gcpProfile(name)
        switch profile.source {
        case .metadata:
            return CachedBearerTokenProvider(
                GCEMetadataTokenProvider(endpoint: profile.metadataEndpoint, http: http, clock: clock),
                clock: clock
            )
        case .keyFile(let file):
            let keyPath = resolve(file)
            guard let data = FileManager.default.contents(atPath: keyPath) else {
                throw CredentialsError(.invalidValue, "\(profile.place): key_file: cannot read \(keyPath)")
            }
            let key: GoogleServiceAccountKey
            do {
                key = try GoogleServiceAccountKey(json: data, source: keyPath)
            } catch let error as SigningError {
                throw CredentialsError(.invalidValue, "\(profile.place): key_file: \(error.message)")
            }
            let provider: GoogleServiceAccountTokenProvider
            do {
                provider = try GoogleServiceAccountTokenProvider(
                    key: key,
                    source: keyPath,
                    tokenURI: profile.tokenURI,
                    scopes: profile.scopes,
                    http: http,
                    clock: clock
                )
            } catch let error as SigningError {
                throw CredentialsError(.invalidValue, "\(profile.place): key_file: \(error.description)")
            }
            if profile.tokenURI == nil, let uri = key.tokenURI {
                _ = try EndpointURL.validate(uri, key: "token_uri", place: keyPath)
            }
            return CachedBearerTokenProvider(provider, clock: clock)
        }
    }

    /// Cached access tokens for `[azure NAME]` (client secret or managed identity).
    package func azureTokenProvider(
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    ) throws
        -> CachedBearerTokenProvider
    {
        let profile = try azureProfile(name)
        switch profile.source {
        case .clientSecret(let tenantID, let clientID, let secret):
            return CachedBearerTokenProvider(
                AzureClientSecretTokenProvider(
                    tenantID: tenantID,
                    clientID: clientID,
                    clientSecret: secret,
                    authority: profile.authority,
                    http: http,
                    clock: clock
                ),
                clock: clock
            )
        case .managedIdentity(let clientID):
            return CachedBearerTokenProvider(
                AzureManagedIdentityTokenProvider(
                    endpoint: profile.imdsEndpoint,
                    clientID: clientID,
                    http: http,
                    clock: clock
                ),
                clock: clock
            )
        }
    }

    /// `~/x` and paths relative to the credentials file's folder.
    package func resolve(_ file: String) -> String {
        if file.hasPrefix("/") { return file }
        if file.hasPrefix("~/") { return NSHomeDirectory() + file.dropFirst() }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
    }
}
