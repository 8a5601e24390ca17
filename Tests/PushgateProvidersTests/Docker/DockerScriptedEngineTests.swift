import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

@testable import PushgateProviders

/// What the real engine cannot easily be made to do: a pull whose stream reports an error, registry
/// credentials on the wire, and the poll's batching (one listing, an inspect only where needed).
@Suite struct DockerScriptedEngineTests {
    static let endpoint = DockerSwaggerTests.endpoint

    static func job(_ configuration: JSONValue, runID: String = "run-a") -> SubmissionJob {
        SubmissionJob(runID: runID, attempt: 1, poolName: "p", deploymentName: "d", queueName: "q", configuration: configuration, now: Date())
    }

    @Test func aMissingImageIsPulledWithRegistryAuthAndAStreamedErrorFailsTheSubmission() async throws {
        let http = RecordingHTTPClient { request in
            if request.url.contains("/images/") && request.url.hasSuffix("/json") {
                return HTTPResponse(status: 404, body: Data(#"{"message":"no such image"}"#.utf8))
            }
            if request.url.contains("/images/create") {
                return RecordingHTTPClient.ok("{\"status\":\"Pulling from team/flows\"}\n{\"error\":\"unauthorized: authentication required\"}\n")
            }
            return HTTPResponse(status: 500)
        }
        let auth = DockerRegistryAuth(username: "bot", password: SecretValue("pw-4471"), serverAddress: "registry.example")
        let provider = DockerProvider(configuration: DockerConfiguration(endpoint: Self.endpoint, registryAuth: auth), http: http)
        do {
            _ = try await provider.submit(
                Self.job(["image": "registry.example/team/flows:2", "command": "true", "image_pull_policy": "IfNotPresent"])
            )
            Issue.record("a pull that streams an error must fail the submission")
        } catch let error as ProviderError {
            #expect(error.code == .rejected)
            #expect(error.message.contains("unauthorized: authentication required"))
            #expect(!error.message.contains("pw-4471"))
        }
        #expect(http.requests.map(\.method) == ["GET", "POST"])
        let header = try #require(http.requests[1].headers["X-Registry-Auth"])
        #expect(header == auth.header)
        #expect(!http.requests.contains { $0.url.contains("/containers/create") })
    }

    @Test func oneListingServesEveryTargetAndOnlyExitedOnesAreInspected() async throws {
        let listing = #"""
            [{"Id":"1","Names":["/pg-run-a-1"],"State":"running"},{"Id":"2","Names":["/pg-run-b-1"],"State":"exited"},
             {"Id":"3","Names":["/pg-run-c-1"],"State":"created"}]
            """#
        let http = RecordingHTTPClient { request in
            if request.url.contains("/containers/json?") { return RecordingHTTPClient.ok(listing) }
            if request.url.hasSuffix("/pg-run-b-1/json") { return RecordingHTTPClient.ok(#"{"Id":"2","State":{"Status":"exited","ExitCode":4}}"#) }
            if request.url.hasSuffix("/pg-run-d-1/json") { return HTTPResponse(status: 404, body: Data(#"{"message":"no such container"}"#.utf8)) }
            return HTTPResponse(status: 500)
        }
        let provider = DockerProvider(configuration: DockerConfiguration(endpoint: Self.endpoint), http: http)
        let targets = ["a", "b", "c", "d"].map { name in
            PollTarget(
                handle: ProviderHandle("pg-run-\(name)-1"),
                job: Self.job(["image": "x"], runID: "run-\(name)"),
                submittedAt: Date(),
                now: Date()
            )
        }
        let statuses = try await provider.poll(targets)
        #expect(statuses[ProviderHandle("pg-run-a-1")]?.state == .running)
        #expect(statuses[ProviderHandle("pg-run-b-1")] == ProviderStatus(.failed, exitCode: 4, reason: "exit code 4"))
        #expect(statuses[ProviderHandle("pg-run-c-1")]?.state == .pending)
        #expect(statuses[ProviderHandle("pg-run-d-1")]?.state == .crashed)
        let paths = http.requests.map { URLComponents(string: $0.url)?.percentEncodedPath ?? "" }
        #expect(paths == ["/v1.41/containers/json", "/v1.41/containers/pg-run-b-1/json", "/v1.41/containers/pg-run-d-1/json"])
    }
}
