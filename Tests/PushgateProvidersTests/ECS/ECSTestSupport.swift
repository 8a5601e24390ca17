import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Synchronization

/// Shared fixtures of the ECS suites: jobs rendered from the shipped `templates/ecs-push.json`, and a
/// clock that records sleeps instead of sleeping.
enum ECSFixtures {
    static let template: BaseJobTemplate = {
        let url = Fixtures.repositoryRoot().appendingPathComponent("templates/ecs-push.json")
        return try! BaseJobTemplate(data: try! Data(contentsOf: url), file: url.path)
    }()

    static let network: JSONValue = ["subnets": ["subnet-0abc"], "securityGroups": ["sg-0abc"], "assignPublicIp": "DISABLED"]

    /// The shipped template rendered with `variables` over an image and a network, identity injected.
    static func job(
        _ variables: [String: JSONValue] = [:],
        runID: String = "8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f",
        attempt: Int = 1,
        withDefaults: Bool = true,
        now: Date = Date(timeIntervalSince1970: 1_767_268_800)
    ) throws -> SubmissionJob {
        var values: [String: JSONValue] = withDefaults ? ["image": "python:3.12-slim", "network_configuration": network] : [:]
        values.merge(variables) { _, new in new }
        let rendered = try template.render(deployment: .init(nil, name: "deployment"), run: .init(.object(values), name: "run"))
        let identity = RunIdentity(runID: runID, deployment: "etl", pool: "ecs-pool", queue: "default")
        return SubmissionJob(
            runID: runID,
            attempt: attempt,
            poolName: "ecs-pool",
            deploymentName: "etl",
            queueName: "default",
            configuration: rendered.injecting(identity),
            now: now
        )
    }

    static func plan(_ job: SubmissionJob) -> ECSSubmissionPlan? {
        ECSSubmissionPlan.build(job: job, region: "us-east-1").plan
    }
}

/// A clock that never waits: `sleep` moves its time forward and records the wait.
final class RecordingClock: WallClock, Sendable {
    private let state: Mutex<(now: Date, sleeps: [TimeInterval])>
    init(_ start: Date = Date()) { state = Mutex((start, [])) }
    func now() -> Date { state.withLock { $0.now } }
    func sleep(until deadline: Date) async throws {
        state.withLock { state in
            state.sleeps.append(max(0, deadline.timeIntervalSince(state.now)))
            if deadline > state.now { state.now = deadline }
        }
    }
    var sleeps: [TimeInterval] { state.withLock { $0.sleeps } }
    func advance(_ seconds: TimeInterval) { state.withLock { $0.now = $0.now.addingTimeInterval(seconds) } }
}

extension ECSProvider {
    /// A provider signing with the fake's key (or `secret`) against its endpoint.
    static func against(
        _ fake: FakeECSServer,
        http: any HTTPClient,
        clock: any WallClock,
        secret: String? = nil
    ) -> ECSProvider {
        ECSProvider(
            region: fake.configuration.region,
            endpoint: fake.endpoint,
            credentials: StaticAWSCredentialProvider(
                AWSCredentials(
                    accessKeyID: fake.configuration.accessKeyID,
                    secretAccessKey: secret ?? fake.configuration.secretAccessKey
                )
            ),
            http: http,
            clock: clock,
            random: SplitMix64(seed: 7)
        )
    }
}
