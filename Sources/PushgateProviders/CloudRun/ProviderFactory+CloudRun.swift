import Foundation
import PushgateCore
import PushgateSigning

extension ProviderFactory {
    /// Cloud Run v2 from a `[gcp NAME]` profile: its `run_endpoint` override, its project (or the key
    /// file's `project_id`), its cached token source and the token request `dry-run` shows
    /// (docs/provider-apis.md §3.1, §3.7).
    package static func cloudRunV2(credentials: CredentialsFile, profile name: String, http: any HTTPClient, clock: any WallClock)
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
            tokens: try credentials.gcpTokenProvider(profile: name, http: http, clock: clock), http: http, clock: clock,
            tokenPreview: try credentials.gcpTokenRequestPreview(profile: name, http: http, clock: clock))
    }
}
