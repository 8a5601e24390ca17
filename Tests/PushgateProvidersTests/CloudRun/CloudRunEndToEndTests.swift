import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// The Cloud Run v2 provider through libcurl against the loopback fake, with a real JWT-bearer token
/// exchange signed by the public test service-account key and verified by the fake.
@Suite("Cloud Run v2 end to end against the fake")
struct CloudRunEndToEndTests {
    static let keyPath = Fixtures.url("google-jwt/google-auth-test-service_account.json").path
    static let project = "test-project"

    static func serviceAccount() throws -> (email: String, pem: String) {
        let json = try JSONValue.parse(try Fixtures.data("google-jwt/google-auth-test-service_account.json"))
        return (json["client_email"]!.stringValue!, json["private_key"]!.stringValue!)
    }

    /// Runs `body` with a started fake and a libcurl client; both are stopped afterwards. `configure`
    /// picks the fake's answer shapes (docs/provider-apis.md §3.9).
    static func withFake(
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        faults: FaultConfiguration = .none,
        configure: (inout CloudRunEmulatorConfiguration) -> Void = { _ in },
        _ body: (CloudRunEmulator, CurlHTTPClient) async throws -> Void
    ) async throws {
        let account = try serviceAccount()
        var configuration = CloudRunEmulatorConfiguration(
            serviceAccounts: [account.email: account.pem],
            projects: [project],
            pacing: pacing,
            faults: faults
        )
        configure(&configuration)
        let fake = try CloudRunEmulator.start(configuration: configuration)
        defer { fake.stop() }
        try await withCurlHTTPClient { http in try await body(fake, http) }
    }

    static func provider(
        _ fake: CloudRunEmulator,
        _ http: any HTTPClient,
        keyFile: String = keyPath,
        clock: any WallClock = RecordingSleepClock()
    ) throws
        -> CloudRunV2Provider
    {
        let file = try CredentialsFile(
            parsing: """
                [gcp fake]
                key_file = \(keyFile)
                project = \(project)
                token_uri = \(fake.tokenURI)
                run_endpoint = \(fake.baseURL)
                """,
            path: "/tmp/pushgate-test-credentials.ini",
            kinds: CredentialsFileTests.allKinds
        )
        return CloudRunV2Provider(
            configuration: CloudRunV2Configuration(runEndpoint: fake.baseURL, project: project, operationPollInterval: 0.01, randomSeed: 7),
            tokens: try file.gcpTokenProvider(profile: "fake", http: http, clock: clock),
            http: http,
            clock: clock
        )
    }

    /// `projects/test-project/locations/us-central1/jobs/{id}`.
    static func jobName(_ id: String) -> String { "projects/\(project)/locations/us-central1/jobs/\(id)" }

    /// The job id the provider derives for `runID`'s first attempt.
    static func jobID(runID: String = BearerProviderTestSupport.runID) -> String { "pg-\(runID)-1" }

    /// Sends `method path` (after `/v2/`) to the fake with a valid token, as someone outside the gateway
    /// would (running a job twice, reading an execution list); the JSON answer and its status.
    static func raw(
        _ fake: CloudRunEmulator,
        _ http: any HTTPClient,
        _ method: String,
        _ path: String,
        body: String? = nil
    ) async throws -> (status: Int, json: JSONValue) {
        let file = try CredentialsFile(
            parsing: """
                [gcp fake]
                key_file = \(keyPath)
                project = \(project)
                token_uri = \(fake.tokenURI)
                """,
            path: "/tmp/pushgate-test-credentials.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let token = try await file.gcpTokenProvider(profile: "fake", http: http, clock: RecordingSleepClock()).token()
        var headers: HTTPHeaders = ["Authorization": token.authorizationHeader]
        if body != nil { headers.add("Content-Type", "application/json") }
        let response = try await http.execute(
            HTTPRequest(method: method, url: "\(fake.baseURL)/v2/\(path)", headers: headers, body: Data((body ?? "").utf8))
        )
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    static func job(_ variables: JSONValue = [:], runID: String = BearerProviderTestSupport.runID) throws -> SubmissionJob {
        var merged: [String: JSONValue] = ["image": "us-docker.pkg.dev/p/repo/job:1", "region": "us-central1", "command": "python -m job"]
        merged.merge(variables.objectValue ?? [:]) { $1 }
        return try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: .object(merged), runID: runID)
    }

    @Test("a run walks Pending → Running → Completed; clean-up deletes the job; a later poll sees 404 → Crashed (not ours) or Cancelled (ours)")
    func completes() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            // The handle is the execution's full name; the job is the run's.
            #expect(handle.value.hasPrefix(Self.jobName(Self.jobID()) + "/executions/"))
            let states = try await provider.pollUntilTerminal(handle, job: job).map(\.state)
            #expect(states == [.pending, .running, .completed])
            // What the fake received is what Prefect's worker would send.
            let body = try #require(fake.jobBody(id: Self.jobID()))
            #expect(body["template"]?["template"]?["timeout"] == "600s")
            #expect(body["labels"]?["prefect_io_work-pool-name"] == "pool-a")
            // run logs: Cloud Run's output is in Cloud Logging; the execution's logUri says where.
            let logs = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery()))
            #expect(logs.text.hasPrefix("Cloud Run keeps this run's output in Cloud Logging: https://") && logs.finished, "\(logs.text)")
            #expect(logs.text.contains(handle.value), "the emulator's logUri names the execution")

            try await provider.cleanUp(handle, job: job)
            try await provider.cleanUp(handle, job: job)  // harmless twice
            let gone = PollTarget(handle: handle, job: job, submittedAt: job.now, now: Date())
            #expect(try await provider.poll([gone])[handle]?.state == .crashed)
            var ours = gone
            ours.cancelRequested = true
            #expect(try await provider.poll([ours])[handle]?.state == .cancelled)
            let stats = fake.statistics
            #expect(stats.workloads == 1 && stats.jobsCreated == 1 && stats.jobsDeleted == 1)
            #expect(stats.tokensIssued == 1)  // cached across every call
            #expect(stats.unauthorized == 0 && stats.invalidRequests == 0)
        }
    }

    @Test("a non-zero exit is Failed with the task's exit code; a lost instance is Crashed; a missing image fails the submission")
    func failures() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            let failing = try Self.job(["command": "sh -c exit 3"], runID: "run-fail")
            let failedHandle = try await provider.submit(failing)
            let failed = try #require(try await provider.pollUntilTerminal(failedHandle, job: failing).last)
            #expect(failed.state == .failed)
            #expect(failed.exitCode == 3)

            let crashing = try Self.job(["image": "repo/crash:1"], runID: "run-crash")
            let crashedHandle = try await provider.submit(crashing)
            #expect(try await provider.pollUntilTerminal(crashedHandle, job: crashing).last?.state == .crashed)

            let missing = try Self.job(["image": "repo/missing:1"], runID: "run-missing")
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(missing) }
            #expect(error?.code == .rejected)
            #expect(fake.statistics.jobsDeleted == 1)  // the unusable job was removed
            #expect(fake.statistics.workloads == 2)
        }
    }

    @Test("cancel stops the execution: CANCELLING stays Running, then Cancelled")
    func cancels() async throws {
        try await Self.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Self.provider(fake, http)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 2).last?.state == .running)
            try await provider.cancel(handle, job: job, reason: "user asked")
            let states = try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true).map(\.state)
            #expect(states == [.running, .cancelled])
            #expect(fake.statistics.cancels == 1)
        }
    }

    @Test("429 with Retry-After is waited out; a 5xx on a GET is retried; a 503 on create is looked up, not blindly re-sent")
    func retries() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("jobs.create", occurrence: 1, .throttle(retryAfterSeconds: 3)),
            ScriptedFault("jobs.create", occurrence: 2, .status(503)),
            ScriptedFault("executions.get", occurrence: 1, .status(500)),
        ])
        try await Self.withFake(faults: faults) { fake, http in
            let clock = RecordingSleepClock()
            let provider = try Self.provider(fake, http, clock: clock)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(clock.recordedWaits.contains { $0 >= 2.9 })  // Retry-After: 3 honoured
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            let stats = fake.statistics
            #expect(stats.calls["jobs.create"] == 3)  // 429, 503 (looked up: 404), then created
            #expect(stats.jobsCreated == 1 && stats.duplicateCreates == 0)
            #expect(stats.workloads == 1)
            #expect(stats.faultsInjected == 3)
        }
    }

    @Test("an ambiguous create or run (processed, connection dropped) is followed by a look-up: exactly one workload")
    func ambiguous() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("jobs.create", occurrence: 1, .dropAfterProcessing),
            ScriptedFault("jobs.run", occurrence: 1, .dropAfterProcessing),
        ])
        try await Self.withFake(faults: faults) { fake, curl in
            let http = curl
            let provider = try Self.provider(fake, http)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            let stats = fake.statistics
            #expect(stats.jobsCreated == 1 && stats.duplicateCreates == 0)
            #expect(stats.calls["jobs.run"] == 1)
            #expect(stats.workloads == 1)

            // After a gateway restart the key is looked up; a re-dispatch adopts the job (409) and never re-runs it.
            let restarted = try Self.provider(fake, http)
            #expect(try await restarted.lookUp(job) == handle)
            #expect(try await restarted.submit(job) == handle)
            #expect(fake.statistics.workloads == 1)
            #expect(fake.statistics.duplicateCreates == 1)
            #expect(try await restarted.lookUp(try Self.job(runID: "never-submitted")) == nil)
        }
    }

    @Test("the transport never re-sends a POST whose kept-alive connection died after the server processed it")
    func transportDoesNotResendUnsafeCalls() async throws {
        let faults = FaultConfiguration(scripted: [ScriptedFault("jobs.run", occurrence: 1, .dropAfterProcessing)])
        try await Self.withFake(faults: faults) { fake, http in
            let provider = try Self.provider(fake, http)
            _ = try await provider.submit(try Self.job())
            #expect(fake.statistics.workloads == 1)
            #expect(fake.statistics.calls["jobs.run"] == 1)
        }
    }

    @Test("a JWT signed with another key is refused by the token endpoint; no secret appears in the error")
    func forgedJWT() async throws {
        try await Self.withFake { fake, http in
            let account = try Self.serviceAccount()
            let otherKey = try Fixtures.string("google-jwt/rfc7515-a2-rs256.key.pkcs8.pem")
            let forged: JSONValue = [
                "type": "service_account", "client_email": .string(account.email), "private_key_id": "1",
                "private_key": .string(otherKey), "project_id": .string(Self.project),
            ]
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-forged-\(UUID().uuidString).json").path
            try forged.data().write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let provider = try Self.provider(fake, http, keyFile: path)
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(try Self.job()) }
            #expect(error?.code == .unauthorized)
            #expect(error?.providerCode == "invalid_grant")
            let text = "\(String(describing: error)) \(error?.message ?? "")"
            #expect(!text.contains("PRIVATE KEY") && !text.contains("eyJ") && !text.contains("assertion="))
            #expect(fake.statistics.workloads == 0 && fake.statistics.jobsCreated == 0)
        }
    }

    @Test("GET /_emulator/stats reports the counts as JSON")
    func statsEndpoint() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            _ = try await provider.submit(try Self.job())
            let response = try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + "/_emulator/stats"))
            let stats = try JSONValue.parse(response.body)
            #expect(stats["workloads"] == 1)
            #expect(stats["jobsCreated"] == 1)
        }
    }
}
