import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

@testable import PushgateProviders

/// The provider through libcurl (HTTP/2 prior knowledge) against the fake Modal gRPC server
/// (`Tests/Support/fake_modal_server.py`). With `CI=true` a missing grpcio fails these tests.
@Suite("Modal end to end (fake gRPC server)", .serialized, .enabled(if: FakeModalServer.isAvailable || FakeModalServer.isRequired))
struct ModalEndToEndTests {
    static let tokenID = "ak-e2e"
    static let tokenSecret = "as-e2e-secret-value"

    /// Starts the fake, runs `body` with a provider on a fresh libcurl client, stops both whatever happens.
    func withModal(
        secret: String = ModalEndToEndTests.tokenSecret,
        serverArguments: [String] = [],
        _ body: (ModalProvider, FakeModalServer) async throws -> Void
    ) async throws {
        try #require(FakeModalServer.isAvailable, "\(FakeModalServer.installHint)")
        let server = try await FakeModalServer(tokenID: Self.tokenID, tokenSecret: Self.tokenSecret, arguments: serverArguments)
        defer { server.stop() }
        try await withCurlHTTPClient(configuration: CurlHTTPClientConfiguration(connectTimeout: 5, timeout: 30)) { curl in
            let client = ModalGRPCClient(
                serverURL: server.endpoint,
                credentials: ModalCredentials(tokenID: Self.tokenID, tokenSecret: SecretValue(secret)),
                http: CurlHTTP2Client(base: curl)
            )
            try await body(ModalProvider(client: client, imageBuildTimeout: 30), server)
        }
    }

    static func job(_ command: JSONValue, runID: String = UUID().uuidString, extra: [String: JSONValue] = [:]) -> SubmissionJob {
        var configuration: [String: JSONValue] = ["image": "python:3.12-slim", "command": command, "memory": 256, "cpu": 0.25, "timeout": 60]
        configuration.merge(extra) { $1 }
        return ModalSandboxSpecTests.job(.object(configuration), runID: runID)
    }

    /// Polls until the state is terminal (or `until` is reached), at most `limit` seconds.
    func waitFor(
        _ provider: ModalProvider,
        _ handle: ProviderHandle,
        job: SubmissionJob,
        cancelRequested: Bool = false,
        until stop: (ProviderStatus) -> Bool = { $0.state.isTerminal },
        limit: TimeInterval = 20
    ) async throws -> (ProviderStatus, [ProviderStatus.State]) {
        let deadline = Date().addingTimeInterval(limit)
        var seen: [ProviderStatus.State] = []
        while Date() < deadline {
            let target = PollTarget(handle: handle, job: job, cancelRequested: cancelRequested, submittedAt: Date(), now: Date())
            let status = try #require(try await provider.poll([target])[handle])
            if seen.last != status.state { seen.append(status.state) }
            if stop(status) { return (status, seen) }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("no terminal state within \(limit) s; saw \(seen)")
        return (ProviderStatus(.pending), seen)
    }

    @Test("libcurl speaks h2c gRPC to the fake: one frame, grpc-status 0 in the trailers; a bad secret is trailers-only 16")
    func rawCall() async throws {
        try #require(FakeModalServer.isAvailable, "\(FakeModalServer.installHint)")
        let server = try await FakeModalServer(tokenID: Self.tokenID, tokenSecret: Self.tokenSecret)
        defer { server.stop() }
        for (secret, expected) in [(Self.tokenSecret, 0), ("as-nope", 16)] {
            // One client per request: libcurl < 8 cannot reuse an h2c connection (see CurlHTTP2Client).
            try await withCurlHTTPClient { curl in
                let request = ModalGRPCClient.request(
                    serverURL: server.endpoint,
                    rpc: .authTokenGet,
                    message: [],
                    credentials: ModalCredentials(tokenID: Self.tokenID, tokenSecret: SecretValue(secret)),
                    authToken: nil,
                    idempotencyKey: "k",
                    attempt: .init(),
                    timeout: 30
                )
                let result = try await curl.perform(request, options: CurlRequestOptions(httpVersion: .http2PriorKnowledge))
                #expect(result.httpVersion == .http2)
                #expect(result.response.status == 200)
                #expect(GRPCStatus.of(result.mergedResponse).code == expected)
                if expected == 0 {
                    #expect(result.trailers["grpc-status"] == "0")
                    let frames = try GRPCFrame.decode(result.response.body, method: "AuthTokenGet")
                    #expect(frames.count == 1)
                    #expect(try ModalMessages.authToken(ProtobufMessage(frames[0])).isEmpty == false)
                } else {
                    #expect(result.response.headers["grpc-status"] == "16")
                }
            }
        }
    }

    @Test("a sandbox goes Pending → Running → Completed, with the configured image, command, resources and env")
    func completes() async throws {
        // Pending for 5 s (0.3 s by default): the first poll must see it even when a loaded machine (every suite
        // at once, a build beside it) is slow to send it.
        try await withModal(serverArguments: ["--secret", "db-creds", "--pending-seconds", "5"]) { provider, server in
            let job = Self.job("python -c 'print(42)'", extra: ["secrets": ["db-creds"], "env": .object(["A": "1"])])
            let handle = try await provider.submit(job)
            let (status, seen) = try await waitFor(provider, handle, job: job)
            #expect(status.state == .completed)
            #expect(status.exitCode == 0)
            // In order, never backwards; a poll on a loaded machine may miss the short Running phase.
            #expect(seen.first == .pending && seen.last == .completed)
            #expect(seen == [.pending, .running, .completed] || seen == [.pending, .completed], "\(seen)")
            let stats = try server.stats()
            #expect(stats.sandboxes_created == 1)
            let sandbox = try #require(stats.sandboxes.first)
            #expect(sandbox.id == handle.value)
            #expect(sandbox.args == ["python", "-c", "print(42)"])
            #expect(sandbox.memory_mb == 256 && sandbox.milli_cpu == 250 && sandbox.timeout_secs == 60)
            #expect(sandbox.name == ModalSandboxSpec.sandboxName(forKey: job.idempotencyKey))
            #expect(sandbox.tags["pushgate-key"] == job.idempotencyKey)
            #expect(sandbox.secret_ids.count == 2)
            let envs = sandbox.secret_ids.compactMap { stats.secrets[$0]?.env }
            #expect(envs.contains(["A": "1"]))
            #expect(stats.calls["ImageJoinStreaming", default: 0] >= 1)  // the fake builds a new image first
        }
    }

    @Test("a non-zero exit is Failed with its exit code")
    func failsWithExitCode() async throws {
        try await withModal { provider, _ in
            let job = Self.job(.array(["sh", "-c", "exit 3"]))
            let handle = try await provider.submit(job)
            let (status, _) = try await waitFor(provider, handle, job: job)
            #expect(status.state == .failed)
            #expect(status.exitCode == 3)
            #expect(status.reason?.contains("exit code 3") == true)
        }
    }

    @Test("SandboxTerminate on a running sandbox ends it Cancelled")
    func cancels() async throws {
        try await withModal { provider, server in
            let job = Self.job("sleep 30")
            let handle = try await provider.submit(job)
            _ = try await waitFor(provider, handle, job: job, until: { $0.state == .running })
            try await provider.cancel(handle, job: job, reason: "user asked")
            let (status, _) = try await waitFor(provider, handle, job: job, cancelRequested: true)
            #expect(status.state == .cancelled)
            #expect(try server.stats().terminate_calls == 1)
            try await provider.cleanUp(handle, job: job)
        }
    }

    @Test("a TERMINATED we did not ask for is Crashed; an OOM kill is Crashed")
    func crashes() async throws {
        try await withModal { provider, _ in
            let job = Self.job("fake-status=KERNEL_OOM_KILL")
            let handle = try await provider.submit(job)
            let (status, _) = try await waitFor(provider, handle, job: job)
            #expect(status.state == .crashed)
            #expect(status.reason?.hasPrefix("GENERIC_STATUS_KERNEL_OOM_KILL") == true)

            let other = Self.job("sleep 30")
            let otherHandle = try await provider.submit(other)
            try await provider.cancel(otherHandle, job: other, reason: "test")
            let (unasked, _) = try await waitFor(provider, otherHandle, job: other, cancelRequested: false)
            #expect(unasked.state == .crashed)
        }
    }

    @Test("submitting the same job twice adopts the first sandbox: one workload")
    func duplicateIsAdopted() async throws {
        try await withModal { provider, server in
            let job = Self.job("echo once")
            let first = try await provider.submit(job)
            let second = try await provider.submit(job)
            #expect(first == second)
            #expect(try await provider.lookUp(job) == first)
            #expect(try server.stats().sandboxes_created == 1)
            #expect(try await provider.lookUp(Self.job("echo never sent")) == nil)
        }
    }

    @Test("a create that took effect but answered UNAVAILABLE is retried, hits ALREADY_EXISTS and is adopted: one workload")
    func ambiguousCreateAdopted() async throws {
        try await withModal(serverArguments: ["--create-then-unavailable", "1"]) { provider, server in
            let job = Self.job("echo hi")
            let handle = try await provider.submit(job)
            let stats = try server.stats()
            #expect(stats.sandboxes_created == 1)
            #expect(stats.sandbox_create_calls == 2)
            #expect(stats.sandboxes.first?.id == handle.value)
        }
    }

    @Test("a wrong token secret is unauthorized and the secret appears nowhere in the error")
    func wrongSecret() async throws {
        let wrong = "as-wrong-secret-123"
        try await withModal(secret: wrong) { provider, server in
            do {
                _ = try await provider.submit(Self.job("echo hi"))
                Issue.record("expected unauthorized")
            } catch let error as ProviderError {
                #expect(error.code == .unauthorized)
                #expect(error.providerCode == "UNAUTHENTICATED")
                #expect(!String(describing: error).contains(wrong))
                #expect(!String(reflecting: error).contains(wrong))
            }
            let stats = try server.stats()
            #expect(stats.sandboxes_created == 0)
            #expect(stats.unauthenticated == 1)
        }
    }

    @Test("UNAVAILABLE answers are retried until the call succeeds")
    func retriesUnavailable() async throws {
        try await withModal(serverArguments: ["--fail-first", "3"]) { provider, server in
            let job = Self.job("echo hi")
            let handle = try await provider.submit(job)
            let stats = try server.stats()
            #expect(stats.injected_faults == 3)
            #expect(stats.sandboxes_created == 1)
            let apps = stats.attempts.filter { $0.first == "AppGetOrCreate" }
            #expect(apps.map { $0[1] } == ["0", "1", "2", "3"])
            #expect(Set(apps.map { $0[3] }).count == 1)
            #expect(!handle.value.isEmpty)
        }
    }

    @Test("RESOURCE_EXHAUSTED with a retry-after hint is waited out")
    func throttled() async throws {
        try await withModal(serverArguments: ["--exhausted-first", "1", "--retry-after", "1"]) { provider, server in
            let started = Date()
            _ = try await provider.submit(Self.job("echo hi"))
            #expect(Date().timeIntervalSince(started) >= 1)
            let apps = try server.stats().attempts.filter { $0.first == "AppGetOrCreate" }
            #expect(apps.map { $0[2] } == ["0", "1"])
        }
    }

    @Test("a missing named secret is reported as not found, and nothing is created")
    func missingSecret() async throws {
        try await withModal { provider, server in
            do {
                _ = try await provider.submit(Self.job("echo hi", extra: ["secrets": ["nope"]]))
                Issue.record("expected notFound")
            } catch let error as ProviderError {
                #expect(error.code == .notFound)
                #expect(error.message.contains("nope"))
            }
            #expect(try server.stats().sandboxes_created == 0)
        }
    }

    @Test("status reads answering NOT_FOUND for a running sandbox: SandboxList by its tag reports it; never terminal until it ends")
    func notFoundButListed() async throws {
        try await withModal(serverArguments: ["--status-not-found", "2", "--run-seconds", "1"]) { provider, server in
            let job = Self.job("echo hi")
            let handle = try await provider.submit(job)
            let (status, seen) = try await waitFor(provider, handle, job: job)
            #expect(status.state == .completed, "\(seen)")
            #expect(!seen.contains(.unconfirmed) && !seen.contains(.crashed), "\(seen)")
            let stats = try server.stats()
            #expect(stats.status_not_found == 2)
            #expect(stats.calls["SandboxList"] == 3, "once before the create, once per NOT_FOUND")
            #expect(stats.peak_running == 1)
        }
    }

    @Test("NOT_FOUND and left out of SandboxList while it runs: Unconfirmed, then its true states")
    func notFoundAndUnlisted() async throws {
        try await withModal(serverArguments: ["--status-not-found", "4", "--list-hides-not-found", "--run-seconds", "1"]) { provider, server in
            let job = Self.job("echo hi")
            let handle = try await provider.submit(job)
            let (status, seen) = try await waitFor(provider, handle, job: job)
            #expect(status.state == .completed, "\(seen)")
            #expect(seen.first == .unconfirmed && !seen.contains(.crashed), "\(seen)")
            #expect(try server.stats().status_not_found == 4)
        }
    }

    @Test("a sandbox Modal does not know at all: Unconfirmed within its lifetime, Crashed after it, Cancelled after a terminate")
    func unknownSandbox() async throws {
        try await withModal { provider, _ in
            let job = Self.job("echo hi")  // timeout 60 s, plus the provider's 300 s margin
            let handle = ProviderHandle("sb-999999")
            func status(age: TimeInterval, cancelRequested: Bool = false) async throws -> ProviderStatus? {
                let now = Date()
                let target = PollTarget(
                    handle: handle,
                    job: job,
                    cancelRequested: cancelRequested,
                    submittedAt: now.addingTimeInterval(-age),
                    now: now
                )
                return try await provider.poll([target])[handle]
            }
            let early = try await status(age: 30)
            #expect(early?.state == .unconfirmed && early?.reason?.contains("may run until 360 s") == true, "\(String(describing: early))")
            #expect(try await status(age: 3_600)?.state == .crashed)
            #expect(try await status(age: 3_600, cancelRequested: true)?.state == .cancelled)
        }
    }

    @Test("a sandbox without timeout_secs that Modal does not know counts Modal's longest lifetime (24 h), not the SDK's 300 s")
    func unknownSandboxWithoutTimeout() async throws {
        try await withModal { provider, _ in
            let job = ModalSandboxSpecTests.job(["image": "python:3.12-slim", "command": "echo hi"], runID: UUID().uuidString)
            let handle = ProviderHandle("sb-999998")
            func status(age: TimeInterval) async throws -> ProviderStatus? {
                let now = Date()
                return try await provider.poll([PollTarget(handle: handle, job: job, submittedAt: now.addingTimeInterval(-age), now: now)])[handle]
            }
            let hourOld = try await status(age: 3_600)
            #expect(hourOld?.state == .unconfirmed && hourOld?.reason?.contains("may run until 86700 s") == true, "\(String(describing: hourOld))")
            #expect(try await status(age: 86_700)?.state == .crashed)
        }
    }
}
