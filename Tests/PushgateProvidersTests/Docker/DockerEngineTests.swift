import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

@testable import PushgateProviders

/// The provider through libcurl over a unix socket against a real engine: podman serving the Docker API
/// (``PodmanEngine``), with a busybox image imported locally. With `CI=true` a missing engine fails.
@Suite("Docker against a real engine (podman)", .serialized, .enabled(if: PodmanEngine.isAvailable || PodmanEngine.isRequired))
struct DockerEngineTests {
    /// Starts an engine, runs `body` with a provider on a fresh libcurl client, then checks that no
    /// container the tests made is left and stops the engine whatever happens.
    func withEngine(_ body: (DockerProvider, PodmanEngine) async throws -> Void) async throws {
        try #require(PodmanEngine.isAvailable, "podman, runc and busybox-static are needed: scripts/install-deps.sh")
        let engine = try await PodmanEngine()
        defer { engine.stop() }
        let credentials = try CredentialsFile(parsing: engine.credentialsProfile(), path: "test-credentials", kinds: [.docker])
        try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(connectTimeout: 5, timeout: 60, httpVersion: .http1_1)) { curl in
            var provider = try DockerProvider.make(credentials: credentials, profile: "engine", environment: [:], http: curl)
            provider.configuration.stopTimeout = 2  // busybox sleep as PID 1 ignores SIGTERM: the kill follows
            try await body(provider, engine)
        }
    }

    static func job(
        _ command: String,
        runID: String = UUID().uuidString.lowercased(),
        attempt: Int = 1,
        extra: [String: JSONValue] = [:]
    ) -> SubmissionJob {
        var configuration: [String: JSONValue] = [
            "image": .string(PodmanEngine.image), "command": .string(command), "image_pull_policy": "Never", "auto_remove": true,
            "env": ["GREETING": "hello from the run"], "labels": ["team": "data"],
        ]
        configuration.merge(extra) { $1 }
        return SubmissionJob(
            runID: runID,
            attempt: attempt,
            poolName: "docker-pool",
            deploymentName: "dep",
            queueName: "default",
            configuration: .object(configuration),
            now: Date()
        )
    }

    /// Polls until `stop` holds (terminal by default), at most `limit` seconds; the states seen, in order.
    func waitFor(
        _ provider: DockerProvider,
        _ handle: ProviderHandle,
        job: SubmissionJob,
        cancelRequested: Bool = false,
        until stop: (ProviderStatus) -> Bool = { $0.state.isTerminal },
        limit: TimeInterval = 30
    ) async throws -> ProviderStatus {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            let target = PollTarget(handle: handle, job: job, cancelRequested: cancelRequested, submittedAt: Date(), now: Date())
            let status = try #require(try await provider.poll([target])[handle])
            if stop(status) { return status }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("no wanted state within \(limit) s")
        return ProviderStatus(.pending)
    }

    /// The names of the containers the engine has.
    func containerNames(_ engine: PodmanEngine) throws -> [String] {
        try engine.podman(["ps", "--all", "--format", "{{.Names}}"]).split(separator: "\n").map(String.init)
    }

    @Test func aCommandThatExitsZeroCompletesItsOutputIsReadableAndTheContainerIsRemoved() async throws {
        try await withEngine { provider, engine in
            let job = Self.job("sh -c 'echo out-line; echo err-line >&2; echo $GREETING'")
            let handle = try await provider.submit(job)
            #expect(handle.value == DockerContainerSpec.containerName(job.idempotencyKey))
            let status = try await waitFor(provider, handle, job: job)
            #expect(status == ProviderStatus(.completed, exitCode: 0))
            let chunks = try await provider.logFrames(handle)
            let stdout = chunks.filter { $0.stream == .stdout }.map { String(decoding: $0.data, as: UTF8.self) }.joined()
            let stderr = chunks.filter { $0.stream == .stderr }.map { String(decoding: $0.data, as: UTF8.self) }.joined()
            #expect(stdout == "out-line\nhello from the run\n")
            #expect(stderr == "err-line\n")
            // run logs: both streams as text; a tail of one line; following from an offset.
            let all = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: 0)))
            #expect(Set(all.text.split(separator: "\n")) == ["out-line", "err-line", "hello from the run"], "\(all.text)")
            #expect(all.next == all.text.utf8.count)
            let tail = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(maxLines: 1)))
            #expect(tail.next == all.next && tail.text.split(separator: "\n").count == 1)
            let inspect = try JSONValue.parse(Data(try engine.podman(["inspect", handle.value]).utf8))
            let labels = inspect.arrayValue?.first?.member(at: "Config", "Labels")
            #expect(labels?["pushgate.io/run-id"]?.stringValue == job.runID)
            #expect(labels?["team"]?.stringValue == "data")
            try await provider.cleanUp(handle, job: job)
            #expect(try !containerNames(engine).contains(handle.value))
            try await provider.cleanUp(handle, job: job)  // harmless twice
        }
    }

    @Test func aNonZeroExitFailsWithItsExitCode() async throws {
        try await withEngine { provider, engine in
            let job = Self.job("sh -c 'exit 3'")
            let handle = try await provider.submit(job)
            let status = try await waitFor(provider, handle, job: job)
            #expect(status.state == .failed)
            #expect(status.exitCode == 3)
            try await provider.cleanUp(handle, job: job)
            #expect(try containerNames(engine).isEmpty)
        }
    }

    @Test func cancellingStopsARunningContainer() async throws {
        try await withEngine { provider, engine in
            let job = Self.job("sleep 300")
            let handle = try await provider.submit(job)
            _ = try await waitFor(provider, handle, job: job, until: { $0.state == .running })
            let started = Date()
            try await provider.cancel(handle, job: job, reason: "test")
            let status = try await waitFor(provider, handle, job: job, cancelRequested: true)
            #expect(status.state == .cancelled)
            #expect(Date().timeIntervalSince(started) < 20)
            let running = try engine.podman(["ps", "--format", "{{.Names}}"])
            #expect(!running.contains(handle.value))
            try await provider.cancel(handle, job: job, reason: "again")  // 304 on a stopped container is fine
            try await provider.cleanUp(handle, job: job)
            #expect(try containerNames(engine).isEmpty)
        }
    }

    @Test func aSecondSubmissionOfTheSameAttemptAdoptsTheContainerAndDoesNotRunItAgain() async throws {
        try await withEngine { provider, engine in
            let job = Self.job("sh -c 'echo ran-once'")
            let first = try await provider.submit(job)
            _ = try await waitFor(provider, first, job: job)
            // The create now answers 409: the provider adopts the container and does not start it again.
            let second = try await provider.submit(job)
            #expect(second == first)
            #expect(try await provider.lookUp(job) == first)
            let lines = try await provider.logFrames(first).map { String(decoding: $0.data, as: UTF8.self) }.joined()
            #expect(lines == "ran-once\n")
            #expect(try containerNames(engine) == [first.value])
            try await provider.cleanUp(first, job: job)
            #expect(try await provider.lookUp(job) == nil)
        }
    }

    @Test func aContainerCreatedButNotStartedIsAdoptedAndStartedOnce() async throws {
        try await withEngine { provider, engine in
            // What a gateway killed between create and start leaves behind.
            let job = Self.job("sh -c 'echo adopted'")
            let spec = try provider.spec(job)
            let created = try await provider.send(provider.requests.createContainer(name: spec.name, body: spec.body), purpose: "test create")
            #expect(created.status == 201)
            // The restarted gateway's reconciliation looks the key up first, and that finishes the submission.
            let handle = try #require(try await provider.lookUp(job))
            let status = try await waitFor(provider, handle, job: job)
            #expect(status == ProviderStatus(.completed, exitCode: 0))
            #expect(try await provider.submit(job) == handle)  // adopted again, not run again
            let output = try await provider.logFrames(handle).map { String(decoding: $0.data, as: UTF8.self) }.joined()
            #expect(output == "adopted\n")
            try await provider.cleanUp(handle, job: job)
            #expect(try containerNames(engine).isEmpty)
        }
    }

    @Test func aContainerOverItsMemoryLimitIsKilled() async throws {
        try await withEngine { provider, engine in
            // dd holds a 64 MiB block buffer; the limit is 8 MiB without extra swap.
            let job = Self.job("dd if=/dev/zero of=/dev/null bs=64M count=1", extra: ["mem_limit": "8m", "memswap_limit": "8m"])
            let handle = try await provider.submit(job)
            let status = try await waitFor(provider, handle, job: job)
            let inspect = try JSONValue.parse(Data(try engine.podman(["inspect", handle.value]).utf8)).arrayValue?.first
            let memory: Int64? = inspect?.member(at: "HostConfig", "Memory")?.intValue
            #expect(memory == Int64(8 << 20))
            let oomKilled = inspect?.member(at: "State", "OOMKilled")?.boolValue
            print("memory-limit test: OOMKilled \(oomKilled.map(String.init) ?? "absent"), status \(status)")
            if oomKilled == true {
                #expect(status.state == .crashed)
                #expect(status.reason?.contains("OOM-killed") == true)
            } else {
                // podman 4.3 with runc on cgroup v1 kills the process (SIGKILL, 137) but reports OOMKilled false
                // (docs/provider-apis.md §7.3); the run then fails with that exit code, never completes.
                #expect(status.state == .failed)
                #expect(status.exitCode == 137)
                #expect(status.reason?.contains("memory limit of 8388608 bytes") == true)
            }
            try await provider.cleanUp(handle, job: job)
            #expect(try containerNames(engine).isEmpty)
        }
    }

    @Test func aMissingImageWithPolicyNeverIsRejectedAndCreatesNothing() async throws {
        try await withEngine { provider, engine in
            let job = Self.job("true", extra: ["image": "localhost/not-here:1"])
            await #expect(throws: ProviderError.self) { _ = try await provider.submit(job) }
            let names = try containerNames(engine)
            #expect(names.isEmpty)
        }
    }
}
