import Foundation
import PushgateCore

extension ProviderKind {
    package static let ecs = ProviderKind(rawValue: "ecs:push")
}

extension ProviderRegistration {
    /// ECS from an `[aws NAME]` profile; RunTask's published rate is 20 calls/s per account and region
    /// (docs/peers.md §2.1).
    package static let ecs = ProviderRegistration(
        type: ProviderType(
            kind: .ecs,
            summary: "AWS ECS tasks (Fargate or EC2), SigV4-signed JSON 1.1",
            credentialsProfileKind: "aws",
            requiredConfigurationKeys: ["task_definition", "task_run_request"],
            pacing: PacingRate(perSecond: 20, burst: 20)
        ),
        profileKind: .aws
    ) { context in
        try ECSProvider.make(
            credentials: context.credentials,
            profile: context.profile,
            http: context.http,
            clock: context.clock,
            environment: context.environment
        )
    }
}

extension ECSProvider {
    /// ECS from an `[aws NAME]` profile: its region (required: endpoint and SigV4 scope), its
    /// `endpoint_url` override, and its cached credential source (docs/provider-apis.md §2.1, §2.9).
    package static func make(
        credentials: CredentialsFile,
        profile name: String,
        http: any HTTPClient,
        clock: any WallClock,
        environment: [String: String]
    ) throws -> ECSProvider {
        let profile = try credentials.awsProfile(name)
        guard let region = profile.region, !region.isEmpty else {
            throw ProviderError(
                .invalidConfiguration,
                "\(profile.place): [aws \(name)]: region is missing (ECS needs it for the endpoint and the SigV4 scope)"
            )
        }
        let source = try credentials.awsCredentialProvider(profile: name, environment: environment, http: http, clock: clock)
        return ECSProvider(
            region: region,
            endpoint: profile.endpointURL,
            credentials: source,
            http: http,
            clock: clock,
            account: profile.pacingAccount
        )
    }
}

extension AWSProfile {
    /// The account a profile's calls count against: the assumed role's account, else the profile itself
    /// (one profile holds one account's keys). Never a key id.
    var pacingAccount: String {
        if case .assumeRole(let role) = source {
            let parts = role.roleARN.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count > 4, !parts[4].isEmpty { return String(parts[4]) }
        }
        return "profile " + name
    }
}

extension ECSProvider {
    /// RunTask quotas are per account and region.
    package func pacingKey(for job: SubmissionJob) -> PacingKey { PacingKey(kind: kind, account: account, region: region) }
}
