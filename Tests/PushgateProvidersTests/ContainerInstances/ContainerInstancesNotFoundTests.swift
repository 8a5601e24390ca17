import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// A container group GET that answers 404 is not proof that the group is gone (docs/provider-apis.md §4.3):
/// through libcurl against the ACI emulator answering 404 for groups that still run, the provider never
/// reports them terminal, and still reports Crashed a group that was deleted. Also the resource-group GET's
/// retries and clean-up's stop before delete (§4.4).
@Suite("ACI groups a GET answers 404 for")
struct ContainerInstancesNotFoundTests {
    typealias Support = ContainerInstancesEndToEndTests
    static let name = "pg-\(BearerProviderTestSupport.runID)-1"

    @Test("a running group answered 404 once: the second GET reports it; never terminal until it ends")
    func notFoundOnce() async throws {
        try await Support.withFake(notFoundWindow: .init(after: 1, reads: 1)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job).map(\.state) == [.pending, .running, .completed])
            #expect(fake.statistics.notFoundAnswers == 1)
            #expect(fake.statistics.calls["containerGroups.list"] == nil, "the second GET settled it")
        }
    }

    @Test(
        "a running group answered 404 for four reads: Unconfirmed (listing shows it, or fails while the resource group is re-read), then its true states",
        arguments: [ContainerInstancesEmulatorConfiguration.NotFoundWindow.Scope.group, .resourceGroup]
    )
    func notFoundForAWhile(scope: ContainerInstancesEmulatorConfiguration.NotFoundWindow.Scope) async throws {
        try await Support.withFake(notFoundWindow: .init(after: 1, reads: 4, scope: scope)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            let statuses = try await provider.pollUntilTerminal(handle, job: job)
            #expect(statuses.map(\.state) == [.pending, .unconfirmed, .unconfirmed, .running, .completed])
            let why = statuses[1].reason ?? ""
            #expect(
                why.contains(scope == .group ? "listing shows \(Self.name)" : "ResourceGroupNotFound")
                    || why.contains("listing the resource group failed"),
                "\(why)"
            )
            let stats = fake.statistics
            #expect(stats.calls["containerGroups.list"] == 2)
            #expect(stats.notFoundAnswers == (scope == .group ? 4 : 5), "the first listing answered 404 too while the resource group was re-read")
        }
    }

    @Test("a group deleted outside the gateway: 404 twice and not listed → Crashed; after a cancel → Cancelled")
    func genuinelyGone() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .running)
            fake.deleteExternally(name: Self.name)
            let lost = try await provider.pollUntilTerminal(handle, job: job, limit: 1).last
            #expect(lost?.state == .crashed && lost?.reason?.contains("no longer exists") == true, "\(String(describing: lost))")
            #expect(try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true, limit: 1).last?.state == .cancelled)
            #expect(fake.statistics.calls["containerGroups.list"] == 2)
        }
    }

    @Test("the emulator's listing shows provisioning states but no instance views, as ARM's does")
    func listingShape() async throws {
        try await Support.withFake { fake, http in
            let provider = try Support.provider(fake, http)
            _ = try await provider.submit(try Support.job())
            let form =
                "grant_type=client_credentials&client_id=\(Support.clientID)&client_secret=\(Support.secret)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
            let tokenResponse = try await http.execute(
                HTTPRequest(
                    method: "POST",
                    url: fake.baseURL + "/\(Support.tenant)/oauth2/v2.0/token",
                    headers: ["Content-Type": "application/x-www-form-urlencoded"],
                    body: Data(form.utf8)
                )
            )
            let token = try #require(try JSONValue.parse(tokenResponse.body)["access_token"]?.stringValue)
            var list = ContainerGroupRequests(endpoint: fake.baseURL, apiVersion: ContainerInstancesConfiguration.defaultAPIVersion)
                .list(subscriptionID: Support.subscription, resourceGroup: "rg-jobs")
            list.headers.add("Authorization", "Bearer \(token)")
            let response = try await http.execute(list)
            #expect(response.status == 200)
            let groups = try JSONValue.parse(response.body)["value"]?.arrayValue ?? []
            #expect(groups.compactMap { $0["name"]?.stringValue } == [Self.name])
            let group = try #require(groups.first)
            #expect(group.member(at: "properties", "provisioningState") != nil)
            #expect(group.member(at: "properties", "instanceView") == nil)
            #expect(group.member(at: "properties")?["containers"]?.arrayValue?.first?.member(at: "properties", "instanceView") == nil)
        }
    }

    @Test("the resource-group GET (the location) is retried on 429 with Retry-After and on 5xx, as every ARM call is")
    func resourceGroupRetries() async throws {
        let faults = FaultConfiguration(scripted: [
            ScriptedFault("resourceGroups.get", occurrence: 1, .throttle(retryAfterSeconds: 3)),
            ScriptedFault("resourceGroups.get", occurrence: 2, .status(503)),
            ScriptedFault("resourceGroups.get", occurrence: 3, .status(500)),
        ])
        try await Support.withFake(faults: faults) { fake, http in
            let clock = RecordingSleepClock()
            let provider = try Support.provider(fake, http, clock: clock)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            #expect(fake.groupBody(name: Self.name)?["location"] == "westeurope")
            #expect(fake.statistics.calls["resourceGroups.get"] == 4)
            #expect(clock.recordedWaits.count >= 3 && clock.recordedWaits.contains { $0 >= 2.9 }, "\(clock.recordedWaits)")
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            #expect(fake.statistics.workloads == 1)
        }
    }

    @Test("a resource-group GET answering 404 while it is re-read is read again; 404 twice is unavailable (tried again), not a bad configuration")
    func resourceGroupStaleNotFound() async throws {
        try await Support.withFake(resourceGroupNotFoundReads: 3) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let refused = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
            #expect(refused?.code == .unavailable && refused?.httpStatus == 404, "\(String(describing: refused))")
            #expect(refused?.message.contains("resourceGroups.get rg-jobs answered 404 twice") == true, "\(String(describing: refused))")
            #expect(refused?.providerCode == "ResourceGroupNotFound")
            #expect(fake.statistics.workloads == 0)
            // The next attempt's first read is the last stale one; the re-read finds the resource group.
            let handle = try await provider.submit(job)
            #expect(fake.statistics.calls["resourceGroups.get"] == 4)
            #expect(fake.groupBody(name: Self.name)?["location"] == "westeurope")
            #expect(try await provider.pollUntilTerminal(handle, job: job).last?.state == .completed)
            #expect(fake.statistics.workloads == 1 && fake.statistics.notFoundAnswers == 3)
        }
    }

    @Test("clean-up stops a group whose container still runs, then deletes it; a finished group is only deleted")
    func cleanUpStopsFirst() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000)) { fake, http in
            let provider = try Support.provider(fake, http)
            let job = try Support.job()
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .running)
            try await provider.cleanUp(handle, job: job)
            var stats = fake.statistics
            #expect(stats.stops == 1 && stats.deletes == 1 && stats.deletesWhileRunning == 0)

            let finished = try Support.job(runID: "run-finished")
            let other = try await provider.submit(finished)
            fake.stopExternally(name: "pg-run-finished-1")
            try await provider.cleanUp(other, job: finished)
            stats = fake.statistics
            #expect(stats.stops == 1 && stats.deletes == 2 && stats.deletesWhileRunning == 0)
            #expect(stats.peakConcurrentGroups == 1, "the first group was stopped before the second was created")
        }
    }

    @Test("peakConcurrentGroups counts groups whose containers run at once; a 404 answer does not end one")
    func peakConcurrency() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1_000), notFoundWindow: .init(reads: 2)) { fake, http in
            let provider = try Support.provider(fake, http)
            for runID in ["run-a", "run-b"] {
                let job = try Support.job(runID: runID)
                let handle = try await provider.submit(job)
                #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .unconfirmed)
            }
            let third = try Support.job(runID: "run-c")
            _ = try await provider.submit(third)
            #expect(fake.statistics.peakConcurrentGroups == 3)
        }
    }
}
