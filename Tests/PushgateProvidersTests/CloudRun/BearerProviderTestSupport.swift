import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Synchronization

/// Helpers shared by the Cloud Run and ACI provider tests: jobs rendered from the shipped templates
/// exactly as the dispatcher prepares them, and a clock that records the waits it is asked for.
enum BearerProviderTestSupport {
    static let runID = "8d2f0c1e-6f1a-4b7e-9c3d-2a1b0c9d8e7f"

    /// `templates/<file>` rendered with `variables` as deployment job variables, run identity injected.
    static func job(template file: String, variables: JSONValue, runID: String = runID, attempt: Int = 1) throws -> SubmissionJob {
        let data = try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/\(file)"))
        let template = try BaseJobTemplate(data: data, file: file)
        let deployment = BaseJobTemplate.VariableSource(variables, name: "deployment")
        let run = BaseJobTemplate.VariableSource(nil, name: "run")
        let rendered = try template.render(deployment: deployment, run: run, requireAll: true)
        let configuration = rendered.injecting(RunIdentity(runID: runID, deployment: "etl/daily", pool: "pool-a", queue: "default"))
        return SubmissionJob(
            runID: runID,
            attempt: attempt,
            poolName: "pool-a",
            deploymentName: "etl/daily",
            queueName: "default",
            configuration: configuration,
            secretValues: template.secretValues(deployment: deployment, run: run),
            now: Date(timeIntervalSince1970: 1_767_225_600)
        )
    }

    /// A copy of `job` whose configuration has `key` replaced (or removed with nil).
    static func setting(_ key: String, to value: JSONValue?, in job: SubmissionJob) -> SubmissionJob {
        var copy = job
        var members = copy.configuration.objectValue ?? [:]
        members[key] = value
        copy.configuration = .object(members)
        return copy
    }
}

/// Real time, but every requested wait is recorded and cut to at most `cap` seconds, so tests can
/// assert a `Retry-After` was honoured without sleeping through it.
final class RecordingSleepClock: WallClock, Sendable {
    private let waits = Mutex<[TimeInterval]>([])
    let cap: TimeInterval

    init(cap: TimeInterval = 0.01) { self.cap = cap }

    var recordedWaits: [TimeInterval] { waits.withLock { $0 } }

    func now() -> Date { Date() }

    func sleep(until deadline: Date) async throws {
        let wait = deadline.timeIntervalSinceNow
        waits.withLock { $0.append(wait) }
        try await Task.sleep(nanoseconds: UInt64(max(0, min(wait, cap)) * 1_000_000_000))
    }
}

/// A token source that never calls out (pure request-building tests).
struct FixedBearerTokens: BearerTokenProvider {
    func token() async throws -> BearerToken { BearerToken(token: "fixed-test-token", expiresAt: .distantFuture) }
}
