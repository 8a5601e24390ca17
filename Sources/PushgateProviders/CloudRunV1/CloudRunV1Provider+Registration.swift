import Foundation
import PushgateCore
import PushgateSigning

extension ProviderKind {
    package static let cloudRunV1 = ProviderKind(rawValue: "cloud-run:push")
}

extension ProviderRegistration {
    /// Cloud Run V1 from a `[gcp NAME]` profile. The V1 and v2 Admin APIs share Cloud Run's per-project,
    /// per-region quotas, so the pacing is Cloud Run v2's (docs/peers.md §2.1): about 180 writes a
    /// minute, three calls per job.
    package static let cloudRunV1 = ProviderRegistration(
        type: ProviderType(
            kind: .cloudRunV1,
            summary: "Google Cloud Run jobs through the V1 (Knative) API, one per run attempt",
            credentialsProfileKind: "gcp",
            requiredConfigurationKeys: ["job_body", "region"],
            pacing: ProviderRegistration.cloudRunV2.type.pacing
        ),
        profileKind: .gcp
    ) { context in
        // The same profile reading (project from the key file, the cached token source) as Cloud Run v2.
        let v2 = try CloudRunV2Provider.make(credentials: context.credentials, profile: context.profile, http: context.http, clock: context.clock)
        let profile = try context.credentials.gcpProfile(context.profile)
        return CloudRunV1Provider(
            configuration: v2.configuration,
            endpointOverride: profile.runEndpoint,
            tokens: v2.api.tokens,
            http: context.http,
            clock: context.clock,
            tokenPreview: v2.tokenPreview
        )
    }
}

extension CloudRunV1Provider {
    /// Admin API quotas are per project and region.
    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        let configuration = job.configuration.objectValue ?? [:]
        let project = configuration["project"]?.stringValue ?? self.configuration.project ?? ""
        return PacingKey(kind: kind, account: project, region: configuration["region"]?.stringValue ?? "")
    }
}
