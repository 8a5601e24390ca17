import PushgateCore

extension ProviderFactory {
    /// Azure Container Instances from an `[azure NAME]` profile: its `management_endpoint` override, its
    /// subscription, its cached token source and the token request `dry-run` shows (docs/provider-apis.md
    /// §4.1, §4.5).
    package static func containerInstances(
        credentials: CredentialsFile, profile name: String, http: any HTTPClient, clock: any WallClock
    ) throws -> ContainerInstancesProvider {
        let profile = try credentials.azureProfile(name)
        return ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(
                managementEndpoint: profile.managementEndpoint ?? "https://management.azure.com", subscriptionID: profile.subscriptionID),
            tokens: try credentials.azureTokenProvider(profile: name, http: http, clock: clock), http: http, clock: clock,
            tokenPreview: try credentials.azureTokenRequestPreview(profile: name, http: http, clock: clock))
    }
}
