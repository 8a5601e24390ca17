import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import Testing

/// The provider against the loopback kube-apiserver fake over real HTTP (plain http: the fake's server has
/// no TLS, and http is accepted only on loopback; docs/provider-apis.md §10.6).
@Suite("Kubernetes: provider against the fake API server")
struct KubernetesEmulatorTests {
    /// - Parameter running: seconds a pod runs; a cancel test keeps it long, so a loaded machine cannot let the
    ///   Job complete before the DELETE arrives.
    static func withFake(
        running: TimeInterval = 0.5,
        _ body: (KubernetesEmulator, KubernetesProvider, RecordingSleepClock) async throws -> Void
    ) async throws {
        let fake = try KubernetesEmulator.start(configuration: KubernetesEmulatorConfiguration(token: "t0k-fake-123", running: running))
        defer { fake.stop() }
        let cluster = try KubeconfigFile.parse(
            KubernetesSuiteEmulator.kubeconfigText(server: fake.baseURL, token: "t0k-fake-123"),
            path: "/kubeconfig.json",
            context: nil
        )
        let clock = RecordingSleepClock()
        try await withCurlHTTPClient { http in
            let provider = KubernetesProvider(connection: try KubernetesConnection.make(cluster, place: "c:1"), http: http, clock: clock)
            try await body(fake, provider, clock)
        }
    }

    static func job(image: String, runID: String = BearerProviderTestSupport.runID) throws -> SubmissionJob {
        var job = try BearerProviderTestSupport.job(
            template: "kubernetes.json",
            variables: ["image": .string(image), "command": "run"],
            runID: runID
        )
        job.now = Date()
        return job
    }

    static func states(
        _ provider: KubernetesProvider,
        _ handle: ProviderHandle,
        _ job: SubmissionJob,
        cancel: Bool = false
    ) async throws -> [ProviderStatus.State] {
        var seen: [ProviderStatus.State] = []
        for _ in 0..<60 {
            let target = PollTarget(handle: handle, job: job, cancelRequested: cancel, submittedAt: job.now, now: Date())
            let state = try #require(try await provider.poll([target])[handle]).state
            if seen.last != state { seen.append(state) }
            if state.isTerminal { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return seen
    }

    @Test func aJobCompletesFailsOrCrashesAsItsPodsDo() async throws {
        try await Self.withFake { fake, provider, _ in
            let ok = try Self.job(image: "busybox:1.36")
            let handle = try await provider.submit(ok)
            #expect(handle.value == "default/" + KubernetesJobSpec.jobName(ok.idempotencyKey))
            // Polls every 100 ms: under a loaded machine the short Running window can fall between two polls.
            let seen = try await Self.states(provider, handle, ok)
            #expect(seen.last == .completed && seen.allSatisfy { [.pending, .running, .completed].contains($0) }, "\(seen)")
            let logs = try #require(try await provider.logs(handle, job: ok, query: ProviderLogQuery(offset: nil, maxBytes: 10_000, maxLines: nil)))
            #expect(logs.text.contains("hello from"))

            let failing = try Self.job(image: "fail:1", runID: "11111111-2222-3333-4444-555555555555")
            let failed = try await provider.submit(failing)
            #expect(try await Self.states(provider, failed, failing).last == .failed)

            let pull = try Self.job(image: "imagepull:404", runID: "21111111-2222-3333-4444-555555555555")
            let crashed = try await provider.submit(pull)
            #expect(try await Self.states(provider, crashed, pull).last == .crashed)
            // A crashed (never finished) Job is deleted by the clean-up; a finished one is kept.
            try await provider.cleanUp(crashed, job: pull)
            try await provider.cleanUp(handle, job: ok)
            #expect(fake.jobNames.contains(handle.value))
            #expect(!fake.jobNames.contains(crashed.value))
        }
    }

    @Test func aCancelDeletesInTheForegroundAndEndsCancelledOnceGone() async throws {
        try await Self.withFake(running: 60) { fake, provider, _ in
            let job = try Self.job(image: "busybox:1.36")
            let handle = try await provider.submit(job)
            try await provider.cancel(handle, job: job, reason: "user")
            #expect(try await Self.states(provider, handle, job, cancel: true).last == .cancelled)
            #expect(fake.jobNames.isEmpty)
        }
    }

    @Test func aRepeatedCreateAdoptsItsOwnJobAndRefusesAnotherRunsName() async throws {
        try await Self.withFake { fake, provider, _ in
            let job = try Self.job(image: "busybox:1.36")
            let first = try await provider.submit(job)
            let again = try await provider.submit(job)
            #expect(first == again)
            #expect(fake.jobsCreated == 1)
            #expect(try await provider.lookUp(job) == first)
            let other = try Self.job(image: "busybox:1.36", runID: "31111111-2222-3333-4444-555555555555")
            fake.createExternally(namespace: "default", name: KubernetesJobSpec.jobName(other.idempotencyKey), labels: ["app": "x"])
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(other) }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains("belongs to no pushgate run") == true)
        }
    }

    @Test func oneListPerNamespaceCoversEveryRunAnd429IsWaitedOut() async throws {
        try await Self.withFake { fake, provider, clock in
            var targets: [PollTarget] = []
            for index in 0..<5 {
                let job = try Self.job(image: "busybox:1.36", runID: "4111111\(index)-2222-3333-4444-555555555555")
                targets.append(PollTarget(handle: try await provider.submit(job), job: job, submittedAt: job.now, now: Date()))
            }
            let before = fake.calls
            fake.throttle(next: 1, retryAfter: 2)
            let statuses = try await provider.poll(targets)
            #expect(statuses.count == 5)
            #expect(fake.calls["jobs.list", default: 0] - before["jobs.list", default: 0] == 1)  // the fake counts the retry, not the 429
            #expect(fake.calls["pods.list", default: 0] - before["pods.list", default: 0] == 1)
            #expect(fake.calls["jobs.get", default: 0] == before["jobs.get", default: 0])
            #expect(clock.recordedWaits.contains { $0 > 1.9 && $0 <= 2 })  // Retry-After: 2
        }
    }
}
