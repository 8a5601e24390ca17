import PushgateCore

extension ProviderKind {
    package static let azureContainerInstance = ProviderKind(rawValue: "azure-container-instance:push")
}

extension ProviderRegistration {
    /// Azure Container Instances from an `[azure NAME]` profile; 300 container-group creates an hour per
    /// subscription, in bursts of up to 100 (docs/peers.md §2.1).
    package static let azureContainerInstance = ProviderRegistration(
        type: ProviderType(
            kind: .azureContainerInstance,
            summary: "Azure Container Instances container groups, GET before PUT",
            credentialsProfileKind: "azure",
            requiredConfigurationKeys: ["arm_template", "resource_group_name", "subscription_id"],
            pacing: PacingRate(perSecond: 300.0 / 3600, burst: 100)
        ),
        profileKind: .azure,
        profileDefaults: { credentials, name in
            // Prefect's template requires both; the profile holds them (docs/provider-apis.md §4.5).
            guard let profile = try? credentials.azureProfile(name) else { return [:] }
            var defaults: [String: JSONValue] = [:]
            if let subscription = profile.subscriptionID, !subscription.isEmpty { defaults["subscription_id"] = .string(subscription) }
            if let group = profile.resourceGroup, !group.isEmpty { defaults["resource_group_name"] = .string(group) }
            return defaults
        }
    ) { context in
        try ContainerInstancesProvider.make(
            credentials: context.credentials,
            profile: context.profile,
            http: context.http,
            clock: context.clock
        )
    }
}

extension ContainerInstancesProvider {
    /// Azure Container Instances from an `[azure NAME]` profile: its `management_endpoint` override, its
    /// subscription, its cached token source and the token request `dry-run` shows (docs/provider-apis.md
    /// §4.1, §4.5).
    package static func make(
        credentials: CredentialsFile,
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    ) throws -> ContainerInstancesProvider {
        let profile = try credentials.azureProfile(name)
        return ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(
                managementEndpoint: profile.managementEndpoint ?? "https://management.azure.com",
                subscriptionID: profile.subscriptionID
            ),
            tokens: try credentials.azureTokenProvider(profile: name, http: http, clock: clock),
            http: http,
            clock: clock,
            tokenPreview: try credentials.azureTokenRequestPreview(profile: name, http: http, clock: clock)
        )
    }

    /// The create quota is per subscription (the job's, else the profile's), whatever the region.
    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        let subscription = job.configuration["subscription_id"]?.stringValue ?? configuration.subscriptionID ?? ""
        return PacingKey(kind: kind, account: subscription)
    }
}
