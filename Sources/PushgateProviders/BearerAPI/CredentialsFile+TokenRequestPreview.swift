import Foundation
import PushgateCore
import PushgateSigning

extension CredentialsFile {
    /// The token request of `[gcp NAME]`: the JWT-bearer exchange or the metadata-server GET.
    package func gcpTokenRequestPreview(
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    ) throws
        -> TokenRequestPreview
    {
        let profile = try gcpProfile(name)
        switch profile.source {
        case .metadata:
            let provider = GCEMetadataTokenProvider(endpoint: profile.metadataEndpoint, http: http, clock: clock)
            return TokenRequestPreview { _ in provider.request() }
        case .keyFile(let file):
            let keyPath = resolve(file)
            guard let data = FileManager.default.contents(atPath: keyPath) else {
                throw CredentialsError(.invalidValue, "\(profile.place): key_file: cannot read \(keyPath)")
            }
            let provider = try GoogleServiceAccountTokenProvider(
                key: try GoogleServiceAccountKey(json: data, source: keyPath),
                source: keyPath,
                tokenURI: profile.tokenURI,
                scopes: profile.scopes,
                http: http,
                clock: clock
            )
            return TokenRequestPreview { date in try provider.request(at: date) }
        }
    }

    /// The token request of `[azure NAME]`: client credentials or managed identity.
    package func azureTokenRequestPreview(
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    ) throws
        -> TokenRequestPreview
    {
        let profile = try azureProfile(name)
        switch profile.source {
        case .clientSecret(let tenantID, let clientID, let secret):
            let provider = AzureClientSecretTokenProvider(
                tenantID: tenantID,
                clientID: clientID,
                clientSecret: secret,
                authority: profile.authority,
                http: http,
                clock: clock
            )
            return TokenRequestPreview { _ in provider.request() }
        case .managedIdentity(let clientID):
            let provider = AzureManagedIdentityTokenProvider(
                endpoint: profile.imdsEndpoint,
                clientID: clientID,
                http: http,
                clock: clock
            )
            return TokenRequestPreview { _ in provider.request() }
        }
    }
}
