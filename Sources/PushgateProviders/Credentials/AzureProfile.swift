/// An `[azure NAME]` profile (docs/provider-apis.md §4.5).
package struct AzureProfile: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        /// `tenant_id` + `client_id` + `client_secret`.
        case clientSecret(tenantID: String, clientID: String, secret: SecretValue)
        /// `source = managed_identity`, optionally a user-assigned `client_id`.
        case managedIdentity(clientID: String?)
    }
    package var name: String
    package var source: Source
    package var subscriptionID: String?
    /// `resource_group`: the group a pool's container groups go to when its template names none.
    package var resourceGroup: String? = nil
    /// Overrides `https://login.microsoftonline.com`.
    package var authority: String?
    /// Overrides `https://management.azure.com`.
    package var managementEndpoint: String?
    /// Overrides `http://169.254.169.254`.
    package var imdsEndpoint: String?
    package var place: String
}
