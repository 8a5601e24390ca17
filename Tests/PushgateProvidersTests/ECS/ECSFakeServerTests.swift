import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Synchronization
import Testing

/// The ECS provider through libcurl against ``FakeECSServer``: the full lifecycle, definition reuse,
/// idempotency, retries under injected faults, the ambiguous RunTask, auth failures and clean-up.
@Suite("ECS provider against FakeECSServer")
struct ECSFakeServerTests {
    /// Runs `body` with a fake (stopped afterwards) and a libcurl client.
    func withFake(
        _ configuration: FakeECSConfiguration = FakeECSConfiguration(),
        _ body: (FakeECSServer, CurlHTTPClient) async throws -> Void
    ) async throws {
        let fake = try FakeECSServer(configuration)
        defer { fake.stop() }
        try await withCurlHTTPClient { http in try await body(fake, http) }
    }

    @Test("submit, poll through PROVISIONING → PENDING → RUNNING to Completed; a second run reuses the definition")
    func lifecycleAndReuse() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let job = try ECSFixtures.job()
            #expect(provider.validate(job).isEmpty)
            let handle = try await provider.submit(job)
            #expect(ECSTaskHandle(handle)?.cluster == "arn:aws:ecs:us-east-1:123456789012:cluster/default")
            let states = try await provider.pollUntilTerminal(handle, job: job, now: job.now).map(\.state)
            #expect(states == [.pending, .running, .completed])

            let second = try ECSFixtures.job(runID: "22222222-2222-2222-2222-222222222222")
            let other = try await provider.submit(second)
            #expect(other != handle)
            let stats = fake.statistics
            #expect(stats.taskDefinitionsRegistered == 1, "identical content is registered once")
            #expect(stats.calls["DescribeTaskDefinition"] == 1, "the second run hits the provider's cache")
            #expect(stats.runTaskWorkloads == 2)

            // A fresh provider (a restarted gateway) finds the revision by its hash tag instead of registering.
            let restarted = ECSProvider.against(fake, http: http, clock: RecordingClock())
            _ = try await restarted.submit(try ECSFixtures.job(runID: "33333333-3333-3333-3333-333333333333"))
            #expect(fake.statistics.taskDefinitionsRegistered == 1)
        }
    }

    @Test("the same idempotency key twice starts one workload and returns the same handle")
    func idempotentResubmission() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let job = try ECSFixtures.job()
            let first = try await provider.submit(job)
            let again = try await provider.submit(job)
            #expect(first == again)
            let lookedUp1 = try await provider.lookUp(job)
            #expect(lookedUp1 == first)
            let stats = fake.statistics
            #expect(stats.runTaskWorkloads == 1 && stats.runTaskReplays == 1)
            #expect(stats.workloadsByClientToken == [job.idempotencyKey: 1])
            let lookedUp2 = try await provider.lookUp(try ECSFixtures.job(runID: "99999999-9999-9999-9999-999999999999"))
            #expect(lookedUp2 == nil)
        }
    }

    @Test("exit 1 is Failed, a pull failure and OOM are Crashed, a cancel is Cancelled")
    func outcomes() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let failing = try ECSFixtures.job(["image": "example/fail:1"], runID: "a0000000-0000-0000-0000-000000000001")
            let failed = try await provider.pollUntilTerminal(try await provider.submit(failing), job: failing, now: failing.now)
            #expect(failed.last == ProviderStatus(.failed, exitCode: 1, reason: "exit code 1: Essential container in task exited"))

            let pull = try ECSFixtures.job(["image": "example/crash:1"], runID: "a0000000-0000-0000-0000-000000000002")
            let crashed = try await provider.pollUntilTerminal(try await provider.submit(pull), job: pull, now: pull.now)
            #expect(crashed.last?.state == .crashed && crashed.last?.reason?.contains("CannotPullContainerError") == true)

            let oom = try ECSFixtures.job(["image": "example/oom:1"], runID: "a0000000-0000-0000-0000-000000000003")
            let killed = try await provider.pollUntilTerminal(try await provider.submit(oom), job: oom, now: oom.now)
            #expect(killed.last?.state == .crashed && killed.last?.reason?.contains("OutOfMemoryError") == true)

            let long = try ECSFixtures.job(runID: "a0000000-0000-0000-0000-000000000004")
            let handle = try await provider.submit(long)
            _ = try await provider.poll([PollTarget(handle: handle, job: long, submittedAt: long.now, now: long.now)])
            try await provider.cancel(handle, job: long, reason: "Cancelled by pushgate run \(long.runID)")
            let cancelled = try await provider.pollUntilTerminal(handle, job: long, cancelRequested: true, now: long.now)
            #expect(cancelled.last?.state == .cancelled)
            try await provider.cancel(handle, job: long, reason: "again")  // already stopped: no error
            #expect(fake.statistics.tasksStopped == 1)
        }
    }

    @Test("a wrong secret is unauthorized (403 SignatureDoesNotMatch) and starts nothing")
    func wrongSecret() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock(), secret: "not-the-secret")
            let job = try ECSFixtures.job()
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
            #expect(error?.code == .unauthorized && error?.httpStatus == 403 && error?.providerCode == "SignatureDoesNotMatch")
            #expect(error?.description.contains("not-the-secret") == false)
            #expect(fake.statistics.runTaskWorkloads == 0 && fake.statistics.authenticationFailures == 1)
        }
    }

    @Test("rotated credentials are signed with at once: each operation's prepared request follows the credentials")
    func rotatedCredentials() async throws {
        try await withFake { fake, http in
            let right = AWSCredentials(
                accessKeyID: fake.configuration.accessKeyID,
                secretAccessKey: fake.configuration.secretAccessKey
            )
            var wrong = right
            wrong.secretAccessKey = "rotated-away"
            let source = RotatingCredentials(right)
            let provider = ECSProvider(
                region: fake.configuration.region,
                endpoint: fake.endpoint,
                credentials: source,
                http: http,
                clock: RecordingClock(),
                random: SplitMix64(seed: 7)
            )
            _ = try await provider.submit(try ECSFixtures.job())
            source.set(wrong)
            let refused = await #expect(throws: ProviderError.self) {
                try await provider.submit(try ECSFixtures.job(runID: "22222222-2222-2222-2222-222222222222"))
            }
            #expect(refused?.code == .unauthorized)
            source.set(right)
            _ = try await provider.submit(try ECSFixtures.job(runID: "33333333-3333-3333-3333-333333333333"))
            #expect(fake.statistics.runTaskWorkloads == 2)
            #expect(fake.statistics.authenticationFailures == 1)
        }
    }

    @Test("throttling (400 ThrottlingException) and 5xx on idempotent calls are retried with backoff on the clock")
    func retries() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("DescribeTaskDefinition", occurrence: 1, .status(500)),
            ScriptedFault("RunTask", occurrence: 1, .status(400)),
            ScriptedFault("DescribeTasks", occurrence: 1, .status(503)),
        ])
        try await withFake(FakeECSConfiguration(faults: faults)) { fake, http in
            let clock = RecordingClock()
            let provider = ECSProvider.against(fake, http: http, clock: clock)
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            let statuses = try await provider.poll([PollTarget(handle: handle, job: job, submittedAt: job.now, now: job.now)])
            #expect(statuses[handle]?.state == .pending)
            let stats = fake.statistics
            #expect(stats.calls["RunTask"] == 2, "a throttled RunTask was refused, so sending it again is safe")
            #expect(stats.runTaskWorkloads == 1)
            #expect(stats.calls["DescribeTaskDefinition"] == 2 && stats.calls["DescribeTasks"] == 2)
            #expect(stats.faultsInjected == 3)
            #expect(clock.sleeps.count == 3)
            #expect(clock.sleeps.allSatisfy { $0 >= 0 && $0 <= 1 }, "first retries wait at most the base delay: \(clock.sleeps)")
        }
    }

    @Test("429 with Retry-After is honoured; exhausted throttling gives up as throttled")
    func retryAfter() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("ListTasks", occurrence: 1, .throttle(retryAfterSeconds: 3)),
            ScriptedFault("StopTask", occurrence: 1, .status(400)),
            ScriptedFault("StopTask", occurrence: 2, .status(400)),
            ScriptedFault("StopTask", occurrence: 3, .status(400)),
        ])
        try await withFake(FakeECSConfiguration(faults: faults)) { fake, http in
            let clock = RecordingClock()
            let provider = ECSProvider.against(fake, http: http, clock: clock)
            let lookedUp3 = try await provider.lookUp(try ECSFixtures.job())
            #expect(lookedUp3 == nil)
            #expect(clock.sleeps.first.map { $0 >= 3 && $0 <= 8 } == true, "Retry-After 3 raises the wait: \(clock.sleeps)")
            let job = try ECSFixtures.job()
            let handle = ProviderHandle("default::arn:aws:ecs:us-east-1:123456789012:task/default/x")
            let error = await #expect(throws: ProviderError.self) { try await provider.cancel(handle, job: job, reason: "r") }
            #expect(error?.code == .throttled && error?.providerCode == "ThrottlingException")
            #expect(fake.statistics.calls["StopTask"] == 3, "botocore standard mode: 3 attempts")
        }
    }

    @Test("RunTask processed but its answer lost: ambiguous, never re-sent; the look-up finds the one task")
    func ambiguousRunTask() async throws {
        let faults = FaultConfiguration(scripted: [ScriptedFault("RunTask", occurrence: 1, .dropAfterProcessing)])
        try await withFake(FakeECSConfiguration(faults: faults, keepAlive: false)) { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let job = try ECSFixtures.job()
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
            #expect(error?.code == .ambiguous)
            #expect(fake.statistics.calls["RunTask"] == 1, "no blind re-send")
            let found = try #require(try await provider.lookUp(job))
            #expect(ECSTaskHandle(found)?.taskARN.contains(":task/default/") == true)
            let stats = fake.statistics
            #expect(stats.runTaskWorkloads == 1 && stats.calls["RunTask"] == 1)
            let status = try await provider.poll([PollTarget(handle: found, job: job, submittedAt: job.now, now: job.now)])
            #expect(status[found]?.state.isTerminal == false)
        }
    }

    /// RunTask carries its clientToken, so it rides a kept-alive connection: when that connection dies
    /// without an answer, libcurl re-sends the call once on a new one and ECS (like the fake) replays the
    /// same task for the same token. Two calls, one workload, and the run gets that workload's handle.
    @Test("on a kept-alive connection, a RunTask whose answer was lost is replayed by its clientToken: one workload")
    func ambiguousRunTaskOnReusedConnection() async throws {
        let faults = FaultConfiguration(scripted: [ScriptedFault("RunTask", occurrence: 1, .dropAfterProcessing)])
        try await withFake(FakeECSConfiguration(faults: faults)) { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let job = try ECSFixtures.job()
            let handle = try await provider.submit(job)
            #expect(fake.statistics.calls["RunTask"] == 2, "the transport re-sent the call on a new connection")
            #expect(fake.statistics.runTaskWorkloads == 1, "the clientToken makes the re-send a replay")
            #expect(fake.statistics.workloadsByClientToken == [job.idempotencyKey: 1])
            #expect(try await provider.lookUp(job) == handle)
        }
    }

    @Test("a 5xx on RunTask is ambiguous too: reported, not retried")
    func serverErrorOnRunTask() async throws {
        let faults = FaultConfiguration(scripted: [ScriptedFault("RunTask", occurrence: 1, .status(500))])
        try await withFake(FakeECSConfiguration(faults: faults)) { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let job = try ECSFixtures.job()
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
            #expect(error?.code == .ambiguous && error?.httpStatus == 500)
            #expect(fake.statistics.calls["RunTask"] == 1)
            let lookedUp4 = try await provider.lookUp(job)
            #expect(lookedUp4 == nil, "the fault answered before processing: nothing to find")
        }
    }

    @Test("a clock 10 minutes slow is corrected from the Date header and the call goes through")
    func clockSkew() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock(Date().addingTimeInterval(-600)))
            let lookedUp5 = try await provider.lookUp(try ECSFixtures.job())
            #expect(lookedUp5 == nil)
            #expect(fake.statistics.authenticationFailures == 1)
        }
    }

    @Test("auto-deregister: a per-run definition is deregistered after the run, once; shared ones never")
    func cleanUp() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            let shared = try ECSFixtures.job(runID: "b0000000-0000-0000-0000-000000000001")
            let sharedHandle = try await provider.submit(shared)
            try await provider.cleanUp(sharedHandle, job: shared)
            #expect(fake.statistics.taskDefinitionsDeregistered == 0)

            let perRun = try ECSFixtures.job(["auto_deregister_task_definition": true], runID: "b0000000-0000-0000-0000-000000000002")
            let handle = try await provider.submit(perRun)
            _ = try await provider.pollUntilTerminal(handle, job: perRun, now: perRun.now)
            try await provider.cleanUp(handle, job: perRun)
            try await provider.cleanUp(handle, job: perRun)
            let stats = fake.statistics
            #expect(stats.taskDefinitionsRegistered == 2 && stats.taskDefinitionsDeregistered == 1)
        }
    }

    @Test("GET /_emulator/stats reports the workloads as JSON")
    func statsEndpoint() async throws {
        try await withFake { fake, http in
            let provider = ECSProvider.against(fake, http: http, clock: RecordingClock())
            _ = try await provider.submit(try ECSFixtures.job())
            let response = try await http.execute(HTTPRequest(method: "GET", url: fake.endpoint + "/_emulator/stats"))
            let stats = try JSONValue.parse(response.body)
            #expect(response.status == 200 && stats["runTaskWorkloads"] == 1 && stats["taskDefinitionsRegistered"] == 1)
        }
    }
}

/// A credential source whose keys the test swaps, as a refreshed role session would.
final class RotatingCredentials: AWSCredentialProvider {
    private let current: Mutex<AWSCredentials>
    init(_ credentials: AWSCredentials) { current = Mutex(credentials) }
    func set(_ credentials: AWSCredentials) { current.withLock { $0 = credentials } }
    func credentials() async throws -> AWSCredentials { current.withLock { $0 } }
}
