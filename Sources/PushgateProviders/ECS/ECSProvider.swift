import Foundation
import PushgateCore
import PushgateSigning
import Synchronization

/// Submits runs as ECS tasks (Fargate or EC2) with signed JSON 1.1 calls (docs/provider-apis.md §2): registers
/// (or reuses) the task definition, RunTask with `clientToken` = the idempotency key, tracks tasks with
/// batched DescribeTasks, cancels with StopTask. All IO goes through ``HTTPClient``; time and jitter come
/// from the injected clock and random source.
package struct ECSProvider: Provider {
    package let kind = ProviderKind.ecs
    /// The signing region and the endpoint's region.
    package let region: String
    /// The base URL without a trailing `/` (`https://ecs.{region}.amazonaws.com`, or a profile's override).
    package let endpoint: String
    /// EC2's base URL for the default-network look-up (``ECSNetworkDiscovery``) and CloudWatch Logs' for a
    /// task's output: the profile's override (one endpoint serves every service there), else
    /// `https://{ec2|logs}.{region}.amazonaws.com`.
    package let ec2Endpoint: String
    package let logsEndpoint: String
    package let credentials: any AWSCredentialProvider
    package let http: any HTTPClient
    package let clock: any WallClock
    /// botocore's standard rules for AWS (docs/provider-apis.md §1.2).
    package let retryPolicy: RetryPolicy
    /// How long after RunTask a MISSING task still counts as Pending.
    package let missingGraceWindow: TimeInterval
    /// How long ECS keeps a stopped task visible: a task no look-up finds sooner than this after submission
    /// is Unconfirmed, not Crashed (docs/provider-apis.md §2.4).
    package let stoppedTaskVisibility: TimeInterval
    /// How long no look-up may find a task past ``stoppedTaskVisibility`` before its run ends
    /// (``ECSStatusMapping/absenceConfirmation``).
    package let absenceConfirmation: TimeInterval
    /// Per-call transport timeout.
    package let requestTimeout: TimeInterval
    /// The account the calls count against, for pacing (``ECSProvider/pacingKey(for:)``).
    package let account: String
    let state: ECSProviderState

    package init(
        region: String,
        endpoint: String? = nil,
        credentials: any AWSCredentialProvider,
        http: any HTTPClient,
        clock: any WallClock,
        retryPolicy: RetryPolicy = ECSProvider.defaultRetryPolicy,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        missingGraceWindow: TimeInterval = ECSStatusMapping.missingGraceWindow,
        stoppedTaskVisibility: TimeInterval = ECSStatusMapping.stoppedTaskVisibility,
        absenceConfirmation: TimeInterval = ECSStatusMapping.absenceConfirmation,
        requestTimeout: TimeInterval = 30,
        account: String = "default"
    ) {
        self.region = region
        let base = endpoint ?? ECSProvider.defaultEndpoint(region: region)
        self.endpoint = base.hasSuffix("/") ? String(base.dropLast()) : base
        let suffix = region.hasPrefix("cn-") ? ".cn" : ""
        ec2Endpoint = endpoint == nil ? "https://ec2.\(region).amazonaws.com" + suffix : self.endpoint
        logsEndpoint = endpoint == nil ? "https://logs.\(region).amazonaws.com" + suffix : self.endpoint
        self.credentials = credentials
        self.http = http
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.missingGraceWindow = missingGraceWindow
        self.stoppedTaskVisibility = stoppedTaskVisibility
        self.absenceConfirmation = absenceConfirmation
        self.requestTimeout = requestTimeout
        self.account = account
        state = ECSProviderState(random: random)
    }

    /// botocore's standard mode (``RetryPolicy/ecs``), also honouring a plain `Retry-After` (as a proxy or
    /// an emulator in front of ECS sends with a 429) besides `x-amz-retry-after`; a hint raises the jittered
    /// delay by at most 5 s (docs/provider-apis.md §1.2).
    package static let defaultRetryPolicy: RetryPolicy = {
        var policy = RetryPolicy.ecs
        policy.retryAfterHeaders.append(.retryAfter)
        return policy
    }()

    /// `https://ecs.{region}.amazonaws.com` (China regions: `amazonaws.com.cn`; docs/provider-apis.md §2.1).
    package static func defaultEndpoint(region: String) -> String {
        "https://ecs.\(region).amazonaws.com" + (region.hasPrefix("cn-") ? ".cn" : "")
    }

    package func validate(_ job: SubmissionJob) -> [TemplateProblem] {
        ECSSubmissionPlan.build(job: job, region: region).problems
    }

    /// The plan, or `invalidConfiguration` listing every problem (nothing is sent).
    package func plan(for job: SubmissionJob) throws -> ECSSubmissionPlan {
        let (plan, problems) = ECSSubmissionPlan.build(job: job, region: region)
        guard let plan, problems.isEmpty else {
            throw ProviderError(.invalidConfiguration, problems.map(\.description).joined(separator: "\n"))
        }
        return plan
    }
}

/// What an ``ECSProvider`` remembers between calls: the jitter source, the task definitions known to
/// match a content hash, the clock skew learned from AWS's `Date` header, each operation's request
/// shape prepared for signing, and since when tasks have been absent from every look-up.
final class ECSProviderState: Sendable {
    let random: Mutex<any RandomNumberGenerator & Sendable>
    /// `family#hash` → task definition ARN.
    let definitions = Mutex<[String: String]>([:])
    /// Seconds to add to the local clock when signing (docs/provider-apis.md §1.1).
    let skew = Mutex<TimeInterval>(0)
    /// Every call of an operation goes to the same URL with the same headers, so its canonical-request
    /// frame is prepared once per set of credentials (``AWSSigV4PreparedRequest``); rotated credentials
    /// prepare it anew.
    let preparedRequests = Mutex<[ECSOperation: AWSSigV4PreparedRequest]>([:])
    /// Handle → the poll time no look-up first found the task (``ECSMissingTaskSearch/absentSince``). Lost on
    /// a restart, which only makes the confirmation start again.
    let absentSince = Mutex<[String: Date]>([:])
    /// ``ECSNetworkDiscovery/cacheKey`` → the `networkConfiguration` found: VPCs and subnets change rarely,
    /// and the provider serves one account and region. Lost on a restart.
    let networks = Mutex<[String: JSONValue]>([:])

    init(random: any RandomNumberGenerator & Sendable) {
        self.random = Mutex(random)
    }
}
