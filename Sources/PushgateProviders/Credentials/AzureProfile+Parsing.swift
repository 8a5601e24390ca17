import Foundation
import PushgateSigning

extension AzureProfile: CredentialProfile {
    package static let kind = "azure"

    /// `[azure NAME]`: a client secret or `source = managed_identity` (docs/provider-apis.md §4.5).
    static func parse(_ r: inout CredentialsFile.Reader) throws -> AzureProfile {
        let source = r.string("source")
        let clientID = r.string("client_id")
        let kind: AzureProfile.Source
        switch source {
        case nil:
            let tenant = try r.required("tenant_id", because: "for client-secret credentials")
            let client = try clientID ?? r.required("client_id", because: "for client-secret credentials")
            let secret = try r.required("client_secret", because: "for client-secret credentials")
            kind = .clientSecret(tenantID: tenant, clientID: client, secret: SecretValue(secret))
        case "managed_identity":
            for key in ["tenant_id", "client_secret"] where r.section.entries[key] != nil {
                throw CredentialsError(.invalidValue, "\(r.place(key)): \(key): not used with source = managed_identity")
            }
            kind = .managedIdentity(clientID: clientID)
        case let other?:
            throw CredentialsError(
                .invalidValue,
                "\(r.place("source")): source: expected \"managed_identity\", not \"\(other)\""
            )
        }
        let profile = AzureProfile(
            name: r.section.name,
            source: kind,
            subscriptionID: r.string("subscription_id"),
            resourceGroup: r.string("resource_group"),
            authority: try r.endpoint("authority"),
            managementEndpoint: try r.endpoint("management_endpoint"),
            imdsEndpoint: try r.endpoint("imds_endpoint", metadata: true),
            place: r.place
        )
        return profile
    }
}

extension AzureProfile {
    package var secretValues: [String] {
        if case .clientSecret(_, _, let secret) = source { return [secret.value] }
        return []
    }
}

extension CredentialProfileKind {
    package static let azure = CredentialProfileKind(AzureProfile.self, parse: AzureProfile.parse)
}

extension CredentialsFile {
    package func azureProfile(_ name: String) throws -> AzureProfile {
        try profile(AzureProfile.self, named: name)
    }
}
