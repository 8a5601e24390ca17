import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// The ACI provider through libcurl against the loopback fake, with a real Entra ID client-credentials
/// exchange.
@Suite("ACI end to end against the fake")
struct ContainerInstancesEndToEndTests {
    static let tenant = "tenant-1"
    static let clientID = "app-1"
    static let secret = "client~secret~value"
    static let subscription = "sub-123"

    static func withFake(
        pacing: WorkloadPacing = .perPoll(pending: 1, running: 1),
        faults: FaultConfiguration = .none,
        notFoundWindow: ContainerInstancesEmulatorConfiguration.NotFoundWindow? = nil,
        resourceGroupNotFoundReads: Int = 0,
        _ body: (ContainerInstancesEmulator, CurlHTTPClient) async throws -> Void
    ) async throws {
        let fake = try ContainerInstancesEmulator.start(
            configuration: ContainerInstancesEmulatorConfiguration(
                applications: [.init(tenantID: tenant, clientID: clientID, clientSecret: secret)],
                resourceGroups: [subscription: ["rg-jobs": "westeurope"]],
                pacing: pacing,
                faults: faults,
                notFoundWindow: notFoundWindow,
                resourceGroupNotFoundReads: resourceGroupNotFoundReads
            )
        )
        defer { fake.stop() }
        try await withCurlHTTPClient { http in try await body(fake, http) }
    }

    static func provider(
        _ fake: ContainerInstancesEmulator,
        _ http: any HTTPClient,
        secret: String = secret,
        clock: any WallClock = RecordingSleepClock()
    )
        throws -> ContainerInstancesProvider
    {
        let file = try CredentialsFile(
            parsing: """
                [azure fake]
                tenant_id = \(tenant)
                client_id = \(clientID)
                client_secret = \(secret)
                subscription_id = \(subscription)
                authority = \(fake.baseURL)
                management_endpoint = \(fake.baseURL)
                """,
            path: "/tmp/pushgate-test-credentials.ini",
            kinds: CredentialsFileTests.allKinds
        )
        return ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(managementEndpoint: fake.baseURL, subscriptionID: subscription, randomSeed: 7),
            tokens: try file.azureTokenProvider(profile: "fake", http: http, clock: clock),
            http: http,
            clock: clock
        )
    }

    static func job(_ variables: JSONValue = [:], runID: String = BearerProviderTestSupport.runID) throws -> SubmissionJob {
        var merged: [String: JSONValue] = [
            "image": "myacr.azurecr.io/job:1", "resource_group_name": "rg-jobs", "subscription_id": .string(subscription),
            "command": "python -m job", "env": ["PREFECT_API_KEY": "pk-very-secret"],
        ]
        merged.merge(variables.objectValue ?? [:]) { $1 }
        return try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: .object(merged), runID: runID)
    }

    @Test("a run walks Pending → Running → Completed; delete; a later GET 404 → Crashed (not ours) or Cancelled (ours)")
    func completes() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(handle.value == "\(BearerProviderTestSupport.runID):pg-\(BearerProviderTestSupport.runID)-1")
            #expect(try await provider.pollUntilTerminal(handle, job: job).map(\.state) == [.pending, .running, .completed])
            let body = try #require(fake.groupBody(name: "pg-\(BearerProviderTestSupport.runID)-1"))
            #expect(body["location"] == "westeurope")  // read from the resource group
            try await provider.cleanUp(handle, job: job)
            try await provider.cleanUp(handle, job: job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .crashed)
            #expect(try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true, limit: 1).last?.state == .cancelled)
            let stats = fake.statistics
            #expect(stats.workloads == 1 && stats.groupsUpdated == 0 && stats.deletes == 1)
            #expect(stats.tokensIssued == 1 && stats.unauthorized == 0 && stats.invalidRequests == 0)
        }
    }

    @Test("run logs: the container's output from containers/{name}/logs, tail and follow; nothing before the group exists")
    func logs() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            let job = try Self.job(["command": "sh -c exit 3"], runID: "run-logs")
            let handle = ProviderHandle("run-logs:pg-run-logs-1")
            let before = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery()))
            #expect(before.text.isEmpty, "no group yet: no output, no error")
            #expect(try await provider.submit(job) == handle)
            _ = try await provider.pollUntilTerminal(handle, job: job)
            let all = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: 0)))
            #expect(
                all.text.hasPrefix("emulated container ")
                    && all.text.hasSuffix("running: /opt/prefect/entrypoint.sh sh -c exit 3\nexited with code 3\n"),
                "\(all.text)"
            )
            let tail = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(maxLines: 1)))
            #expect(tail.text == "exited with code 3\n" && tail.next == all.next)
            let rest = try #require(try await provider.logs(handle, job: job, query: ProviderLogQuery(offset: all.next - 5)))
            #expect(rest.text == "de 3\n" && rest.start == all.next - 5, "following from an offset returns what lies past it: \(rest.text)")
            #expect(fake.statistics.invalidRequests == 0)
        }
    }

    @Test("exit codes: non-zero is Failed; a failed provision is Crashed; an outside stop is Crashed")
    func failures() async throws {
        try await Self.withFake { fake, http in
            let provider = try Self.provider(fake, http)
            let failing = try Self.job(["command": "sh -c exit 4"], runID: "run-fail")
            let failed = try #require(try await provider.pollUntilTerminal(try await provider.submit(failing), job: failing).last)
            #expect(failed.state == .failed && failed.exitCode == 4)

            let crashing = try Self.job(["image": "repo/crash:1"], runID: "run-crash")
            #expect(try await provider.pollUntilTerminal(try await provider.submit(crashing), job: crashing).last?.state == .crashed)

            let stopped = try Self.job(runID: "run-stopped")
            let handle = try await provider.submit(stopped)
            fake.stopExternally(name: "pg-run-stopped-1")
            #expect(try await provider.pollUntilTerminal(handle, job: stopped).last?.state == .crashed)
        }
    }

    @Test("cancel stops the group: Stopped after our stop → Cancelled")
    func cancels() async throws {
        try await Self.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Self.provider(fake, http)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .running)
            try await provider.cancel(handle, job: job, reason: "user asked")
            #expect(try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true).last?.state == .cancelled)
            #expect(fake.statistics.stops == 1)
        }
    }

    @Test("429 with Retry-After is honoured; a 503 on GET is retried; an ambiguous PUT is followed by a GET: exactly one group, never a restart")
    func retriesAndAmbiguity() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("containerGroups.get", occurrence: 1, .throttle(retryAfterSeconds: 4)),
            ScriptedFault("containerGroups.get", occurrence: 2, .status(503)),
            ScriptedFault("containerGroups.put", occurrence: 1, .dropAfterProcessing),
        ])
        try await Self.withFake(faults: faults) { fake, curl in
            let clock = RecordingSleepClock()
            let provider = try Self.provider(fake, curl, clock: clock)
            let job = try Self.job()
            let handle = try await provider.submit(job)
            #expect(clock.recordedWaits.contains { $0 >= 3.9 })
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            let stats = fake.statistics
            #expect(stats.workloads == 1)
            #expect(stats.groupsUpdated == 0)  // a second PUT would have restarted the group
            #expect(stats.calls["containerGroups.put"] == 1)

            // Re-dispatch after a restart: GET finds the group, so no PUT at all.
            let restarted = try Self.provider(fake, curl)
            #expect(try await restarted.lookUp(job) == handle)
            #expect(try await restarted.submit(job) == handle)
            #expect(fake.statistics.calls["containerGroups.put"] == 1)
            #expect(try await restarted.lookUp(try Self.job(runID: "never")) == nil)
        }
    }

    @Test("a wrong client secret is refused with AADSTS7000215; the secret appears nowhere in the error")
    func wrongSecret() async throws {
        try await Self.withFake { fake, http in
            let wrong = "wrong~secret~guess"
            let provider = try Self.provider(fake, http, secret: wrong)
            let error = await #expect(throws: ProviderError.self) { try await provider.submit(try Self.job()) }
            #expect(error?.code == .unauthorized)
            #expect(error?.httpStatus == 401)
            #expect(error?.providerCode == "invalid_client")
            let text = "\(String(describing: error)) \(error?.message ?? "")"
            #expect(!text.contains(wrong) && !text.contains(Self.secret) && !text.contains("pk-very-secret"))
            #expect(fake.statistics.workloads == 0 && fake.statistics.tokensIssued == 0)
        }
    }

    @Test("the fake refuses a missing or wrong api-version and a missing token, as ARM does")
    func armChecks() async throws {
        try await Self.withFake { fake, http in
            let path = "/subscriptions/\(Self.subscription)/resourceGroups/rg-jobs/providers/Microsoft.ContainerInstance/containerGroups/x"
            let anonymous = try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + path + "?api-version=2023-05-01"))
            #expect(anonymous.status == 401)
            let form =
                "grant_type=client_credentials&client_id=\(Self.clientID)&client_secret=\(Self.secret)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
            let tokenResponse = try await http.execute(
                HTTPRequest(
                    method: "POST",
                    url: fake.baseURL + "/\(Self.tenant)/oauth2/v2.0/token",
                    headers: ["Content-Type": "application/x-www-form-urlencoded"],
                    body: Data(form.utf8)
                )
            )
            let token = try #require(try JSONValue.parse(tokenResponse.body)["access_token"]?.stringValue)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            let missing = try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + path, headers: headers))
            #expect(missing.status == 400)
            #expect(ContainerGroupRequests.errorCode(missing) == "MissingApiVersionParameter")
            let wrong = try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + path + "?api-version=1999-01-01", headers: headers))
            #expect(ContainerGroupRequests.errorCode(wrong) == "NoRegisteredProviderFound")
            let notFound = try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + path + "?api-version=2023-05-01", headers: headers))
            #expect(notFound.status == 404 && ContainerGroupRequests.errorCode(notFound) == "ResourceNotFound")
            let stats = try JSONValue.parse(try await http.execute(HTTPRequest(method: "GET", url: fake.baseURL + "/_emulator/stats")).body)
            #expect(stats["unauthorized"] == 1 && stats["workloads"] == 0)
        }
    }
}
