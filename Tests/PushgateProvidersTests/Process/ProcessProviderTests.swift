import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// The `process` provider against a fake process client: what it starts, adopts, signals, reads and shows,
/// with nothing spawned (docs/provider-apis.md §6).
@Suite("ProcessProvider: submit, adopt, cancel, logs and dry-run without spawning")
struct ProcessProviderTests {
    let client = FakeProcessClient()
    var provider: ProcessProvider {
        ProcessProvider(
            configuration: ProcessConfiguration(
                dataDirectory: "/data",
                executablePath: "/usr/bin/pushgate",
                environment: ["PATH": "/usr/bin", "PUSHGATE_API_TOKENS": "gateway-secret", "HOME": "/root"],
                killGrace: 0
            ),
            client: client
        )
    }

    static func job(_ configuration: JSONValue, runID: String = "r1") throws -> SubmissionJob {
        let data = try Data(contentsOf: Fixtures.repositoryRoot().appendingPathComponent("templates/process.json"))
        let template = try BaseJobTemplate(data: data, file: "process.json")
        let rendered = try template.render(deployment: .init(configuration, name: "d"), run: .init(nil, name: "r"))
        let identity = RunIdentity(runID: runID, deployment: "d", pool: "p", queue: "q")
        return SubmissionJob(
            runID: runID,
            attempt: 1,
            poolName: "p",
            deploymentName: "d",
            queueName: "q",
            configuration: rendered.injecting(identity),
            now: Date()
        )
    }

    @Test func submitStartsOnceAndAResubmissionAdopts() async throws {
        let job = try Self.job(["command": "sh -c 'echo hi'", "env": ["A": "1"]])
        let handle = try await provider.submit(job)
        #expect(handle.value == "pg-r1-1")
        #expect(client.state.withLock { $0.launches } == ["/data/process/attempts/pg-r1-1"])
        // A second submission (a retry after an ambiguous failure, or a restarted gateway) starts nothing.
        #expect(try await provider.submit(job) == handle)
        #expect(client.state.withLock { $0.launches.count } == 1)
        #expect(try await provider.lookUp(job) == handle)
    }

    @Test func aDirectoryLeftBeforeTheLaunchIsLaunchedOnceAndLookUpSendsTheDispatcherToSubmit() async throws {
        let job = try Self.job(["command": "true"])
        _ = try client.createAttempt("/data/process/attempts/pg-r1-1")
        #expect(try await provider.lookUp(job) == nil, "nothing was started: the dispatcher must submit")
        _ = try await provider.submit(job)
        #expect(client.state.withLock { $0.launches.count } == 1)
    }

    @Test func cancelSignalsTheRecordedGroupButNeverARecycledPid() async throws {
        let job = try Self.job(["command": "sleep 100"])
        let handle = try await provider.submit(job)
        let directory = "/data/process/attempts/pg-r1-1"
        let record = ProcessStartRecord(supervisor: .init(pid: 50, startTime: 1), command: .init(pid: 51, startTime: 2))
        client.state.withLock {
            $0.attempts[directory] = ProcessAttemptObservation(lockHeld: true, starting: true, started: record)
            $0.live = [50: 1, 51: 2]
        }
        try await provider.cancel(handle, job: job, reason: "test")
        let signals = client.state.withLock { $0.signals }
        #expect(signals.count == 1 && signals[0].0 == record.command && signals[0].1 == 15 && signals[0].2)
        #expect(client.state.withLock { $0.cancelMarks } == [directory])

        // Pid 51 now belongs to a later process: nothing is signalled.
        client.state.withLock {
            $0.signals = []
            $0.live = [51: 999]
            $0.attempts[directory]?.lockHeld = false
        }
        try await provider.cancel(handle, job: job, reason: "again")
        #expect(client.state.withLock { $0.signals }.isEmpty)
    }

    @Test func pollReadsEachDirectory() async throws {
        let ok = try Self.job(["command": "true"], runID: "a")
        let bad = try Self.job(["command": "false"], runID: "b")
        let okHandle = try await provider.submit(ok)
        let badHandle = try await provider.submit(bad)
        client.state.withLock {
            $0.attempts["/data/process/attempts/pg-a-1"] = ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 0))
            $0.attempts["/data/process/attempts/pg-b-1"] = ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 3))
        }
        let statuses = try await provider.poll([
            PollTarget(handle: okHandle, job: ok, submittedAt: Date(), now: Date()),
            PollTarget(handle: badHandle, job: bad, submittedAt: Date(), now: Date()),
        ])
        #expect(statuses[okHandle]?.state == .completed)
        #expect(statuses[badHandle] == ProviderStatus(.failed, exitCode: 3, reason: "the command exited non-zero"))
        await #expect(throws: ProviderError.self) {
            try await provider.poll([PollTarget(handle: ProviderHandle("../x"), job: ok, submittedAt: Date(), now: Date())])
        }
    }

    @Test func logsTailWholeLinesAndFollowFromAnOffset() async throws {
        let job = try Self.job(["command": "true"])
        let handle = try await provider.submit(job)
        client.state.withLock {
            $0.output["/data/process/attempts/pg-r1-1"] = Data("one\ntwo\nthree\n".utf8)
            $0.attempts["/data/process/attempts/pg-r1-1"] = ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 0))
        }
        let tail = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(maxBytes: 100, maxLines: 2)))
        #expect(tail.text == "two\nthree\n" && tail.start == 4 && tail.next == 14 && tail.finished)
        let cut = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(maxBytes: 7, maxLines: 5)))
        #expect(cut.text == "three\n", "the byte cap cuts to whole lines where it can: \(cut.text)")
        let follow = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: 8, maxBytes: 3)))
        #expect(follow.text == "thr" && follow.next == 11 && !follow.finished)
    }

    @Test func dryRunShowsTheCommandWithSecretsRedacted() async throws {
        let job = try Self.job(["command": "python -m flow 'a b'", "env": ["DB_PASSWORD": "hunter2", "REGION": "eu"], "working_dir": "/srv"])
        let steps = try await provider.dryRunSteps(job)
        guard case .command(let command) = try #require(steps.first) else {
            Issue.record("not a command: \(steps)")
            return
        }
        #expect(command.arguments == ["python", "-m", "flow", "a b"])
        #expect(command.workingDirectory == "/srv")
        #expect(command.environment.contains("DB_PASSWORD=<redacted>") && command.environment.contains("REGION=eu"))
        #expect(command.environment.contains("PREFECT__FLOW_RUN_ID=r1"))
        #expect(command.environment.contains("HOME=<inherited from the gateway>"))
        #expect(!command.environment.joined().contains("hunter2") && !command.environment.joined().contains("gateway-secret"))
        #expect(!command.environment.contains { $0.hasPrefix("PUSHGATE_API_TOKENS") })
        #expect(try await provider.dryRun(job).isEmpty)
    }

    @Test func theConfigurationIsReadAsPrefectsProcessWorkerReadsIt() throws {
        let blank = try ProcessJobSpec.make(Self.job([:])).get()
        #expect(blank.arguments == ["prefect", "flow-run", "execute"])
        #expect(blank.workingDirectory == nil)
        let merged = try ProcessJobSpec.make(Self.job(["command": "x", "env": ["PATH": "/opt/bin"]])).get()
            .environment(gateway: ["PATH": "/usr/bin", "LANG": "C", "PUSHGATE_CREDENTIALS": "/etc/creds"])
        #expect(merged["PATH"] == "/opt/bin" && merged["LANG"] == "C" && merged["PUSHGATE_CREDENTIALS"] == nil)
        #expect(merged["PUSHGATE_RUN_ID"] == "r1")
        #expect(!provider.validate(try Self.job(["command": "sh -c 'unclosed"])).isEmpty)
        #expect(!provider.validate(try Self.job(["command": "x", "working_dir": "relative/dir"])).isEmpty)
    }
}
