import Foundation
import PushgateCore
import PushgateSigning

extension ProviderKind {
    package static let cloudRunV2 = ProviderKind(rawValue: "cloud-run-v2:push")
}

extension ProviderRegistration {
    /// Cloud Run v2 from a `[gcp NAME]` profile; the admin API allows about 180 writes a minute per
    /// project and region (docs/peers.md §2.1), three per job.
    package static let cloudRunV2 = ProviderRegistration(
        type: ProviderType(
            kind: .cloudRunV2,
            summary: "Google Cloud Run v2 jobs, one per run attempt",
            credentialsProfileKind: "gcp",
            requiredConfigurationKeys: ["job_body", "region"],
            pacing: PacingRate(perSecond: 3, burst: 10)
        ),
        profileKind: .gcp
    ) { context in
        try CloudRunV2Provider.make(credentials: context.credentials, profile: context.profile, http: context.http, clock: context.clock)
    }
}

extension CloudRunV2Provider {
    /// Cloud Run v2 from a `[gcp NAME]` profile: its `run_endpoint` override, its project (or the key
    /// file's `project_id`), its cached token source and the token request `dry-run` shows
    /// (docs/provider-apis.md §3.1, §3.7).
    package static func make(
        credentials: CredentialsFile,
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock
    )
        throws -> CloudRunV2Provider
    {
        let profile = try credentials.gcpProfile(name)
        var project = profile.project
        if project == nil, case .keyFile(let file) = profile.source,
            let data = FileManager.default.contents(atPath: credentials.resolve(file)),
            let key = try? GoogleServiceAccountKey(json: data, source: file)
        {
            project = key.projectID
        }
        return CloudRunV2Provider(
            configuration: CloudRunV2Configuration(runEndpoint: profile.runEndpoint ?? "https://run.googleapis.com", project: project),
            tokens: try credentials.gcpTokenProvider(profile: name, http: http, clock: clock),
            http: http,
            clock: clock,
            tokenPreview: try credentials.gcpTokenRequestPreview(profile: name, http: http, clock: clock)
        )
    }

    /// Admin API quotas are per project and region; both come from the job, the project falling back
    /// to the profile's.
    package func pacingKey(for job: SubmissionJob) -> PacingKey {
        let configuration = job.configuration.objectValue ?? [:]
        let project = configuration["project"]?.stringValue ?? self.configuration.project ?? ""
        return PacingKey(kind: kind, account: project, region: configuration["region"]?.stringValue ?? "")
    }
}
