import Foundation
import PushgateCore

extension ProviderKind {
    package static let vertexAI = ProviderKind(rawValue: "vertex-ai:push")
}

extension ProviderRegistration {
    /// Vertex AI custom jobs from a `[gcp NAME]` profile. Vertex AI's request quotas are per project and
    /// region (docs/peers.md §2.1); pushgate paces one create a second, bursts of 10.
    package static let vertexAI = ProviderRegistration(
        type: ProviderType(
            kind: .vertexAI,
            summary: "Google Vertex AI custom jobs, one per run attempt",
            credentialsProfileKind: "gcp",
            requiredConfigurationKeys: ["job_spec", "region"],
            pacing: PacingRate(perSecond: 1, burst: 10)
        ),
        profileKind: .gcp
    ) { context in
        // The same profile reading (project from the key file, the cached token source) as Cloud Run v2.
        let v2 = try CloudRunV2Provider.make(credentials: context.credentials, profile: context.profile, http: context.http, clock: context.clock)
        return VertexProvider(
            configuration: v2.configuration,
            endpointOverride: try context.credentials.gcpProfile(context.profile).aiplatformEndpoint,
            tokens: v2.api.tokens,
            http: context.http,
            clock: context.clock,
            tokenPreview: v2.tokenPreview
        )
    }
}
