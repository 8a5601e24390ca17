import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Synchronization
import Testing

/// The `cloud-run:push` call sequence against scripted answers (docs/provider-apis.md §8.2–§8.6): create,
/// wait for Ready, run once; a 409 adopts the job and its execution; an ambiguous run is looked up
/// before anything is re-sent; a missing image ends the submission with the message; cancel deletes the
/// execution; clean-up deletes the job unless `keep_job`.
@Suite("Cloud Run V1 provider call sequence")
struct CloudRunV1ProviderFlowTests {
    final class Script: Sendable {
        let calls = Mutex<[String]>([])
        let answer: @Sendable (HTTPRequest, Int) throws -> HTTPResponse
        init(_ answer: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) { self.answer = answer }
        var http: RecordingHTTPClient {
            RecordingHTTPClient { request in
                let path = request.url.replacingOccurrences(
                    of: "https://europe-west1-run.googleapis.com/apis/run.googleapis.com/v1/namespaces/proj-1",
                    with: ""
                )
                let n = self.calls.withLock { calls -> Int in
                    calls.append("\(request.method) \(path)")
                    return calls.filter { $0 == "\(request.method) \(path)" }.count
                }
                return try self.answer(request, n)
            }
        }
        var sent: [String] { calls.withLock { $0 } }
    }

    static let ready = #"{"metadata":{"name":"j"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#
    static func json(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    @Test func aFreshJobIsCreatedWaitedForAndRunOnce() async throws {
        let script = Script { request, n in
            switch (request.method, request.url.hasSuffix(":run"), request.url.contains("/jobs/")) {
            case ("POST", false, _): return Self.json(200, #"{"metadata":{"name":"j"}}"#)
            case ("GET", _, true): return Self.json(200, n == 1 ? #"{"status":{}}"# : Self.ready)
            case ("POST", true, _): return Self.json(200, #"{"metadata":{"name":"j-x1","namespace":"proj-1"}}"#)
            default: return Self.json(500, "{}")
            }
        }
        let job = try CloudRunV1RequestTests.job()
        let handle = try await CloudRunV1RequestTests.provider(http: script.http).submit(job)
        let name = "pg-\(BearerProviderTestSupport.runID)-1"
        #expect(handle.value == "namespaces/proj-1/jobs/\(name)/executions/j-x1")
        #expect(script.sent == ["POST /jobs", "GET /jobs/\(name)", "GET /jobs/\(name)", "POST /jobs/\(name):run"])
    }

    @Test func a409AdoptsTheJobAndItsExecutionWithoutRunningAgain() async throws {
        let script = Script { request, _ in
            if request.method == "POST" && !request.url.hasSuffix(":run") {
                return Self.json(409, #"{"error":{"code":409,"status":"ALREADY_EXISTS","message":"exists"}}"#)
            }
            if request.method == "GET" {
                return Self.json(200, #"{"status":{"conditions":[{"type":"Ready","status":"True"}],"latestCreatedExecution":{"name":"j-old"}}}"#)
            }
            return Self.json(500, "{}")
        }
        let handle = try await CloudRunV1RequestTests.provider(http: script.http).submit(try CloudRunV1RequestTests.job())
        #expect(handle.value.hasSuffix("/executions/j-old"))
        #expect(!script.sent.contains { $0.hasSuffix(":run") })
    }

    @Test func anAmbiguousRunIsLookedUpBeforeAnythingIsSentAgain() async throws {
        let script = Script { request, n in
            if request.url.hasSuffix(":run") { throw HTTPClientError(.timeout, "timed out") }
            if request.method == "POST" { return Self.json(200, "{}") }
            // The job is ready; after the lost run, it shows the execution the run started.
            return Self.json(
                200,
                n <= 1 ? Self.ready : #"{"status":{"conditions":[{"type":"Ready","status":"True"}],"latestCreatedExecution":{"name":"j-lost"}}}"#
            )
        }
        let handle = try await CloudRunV1RequestTests.provider(http: script.http).submit(try CloudRunV1RequestTests.job())
        #expect(handle.value.hasSuffix("/executions/j-lost"))
        #expect(script.sent.filter { $0.hasSuffix(":run") }.count == 1)
    }

    @Test func aMissingImageRefusesTheSubmissionWithTheMessageAndDeletesTheJob() async throws {
        let script = Script { request, _ in
            switch request.method {
            case "POST": return Self.json(200, "{}")
            case "GET":
                return Self.json(
                    200,
                    #"{"status":{"conditions":[{"type":"Ready","status":"False","reason":"ContainerMissing","message":"Image 'gcr.io/p/nope' not found."}]}}"#
                )
            default: return Self.json(200, "{}")
            }
        }
        let error = await #expect(throws: ProviderError.self) {
            try await CloudRunV1RequestTests.provider(http: script.http).submit(try CloudRunV1RequestTests.job())
        }
        #expect(error?.code == .rejected && error?.message.contains("Image 'gcr.io/p/nope' not found.") == true)
        #expect(script.sent.last?.hasPrefix("DELETE /jobs/") == true)
    }

    @Test func pollCancelAndCleanUp() async throws {
        let script = Script { request, _ in
            if request.method == "GET", request.url.contains("/executions/j-1") {
                return Self.json(404, #"{"error":{"code":404,"status":"NOT_FOUND","message":"gone"}}"#)
            }
            if request.method == "GET", request.url.contains("/executions?") {
                return Self.json(
                    200,
                    #"{"items":[{"metadata":{"name":"j-1"},"status":{"conditions":[{"type":"Started","status":"True"}]}}]}"#
                )
            }
            return Self.json(200, "{}")
        }
        let provider = CloudRunV1RequestTests.provider(http: script.http)
        let job = try CloudRunV1RequestTests.job()
        let handle = CloudRunV1Handle(project: "proj-1", job: "j", execution: "j-1").handle
        let target = PollTarget(handle: handle, job: job, submittedAt: Date(), now: Date())
        // A 404 whose list still shows the execution running is Running, not gone.
        #expect(try await provider.poll([target])[handle]?.state == .running)
        try await provider.cancel(handle, job: job, reason: "test")
        #expect(script.sent.last == "DELETE /executions/j-1")
        try await provider.cleanUp(handle, job: job)
        #expect(script.sent.last == "DELETE /jobs/j")
        let before = script.sent.count
        try await provider.cleanUp(handle, job: BearerProviderTestSupport.setting("keep_job", to: true, in: job))
        #expect(script.sent.count == before)
    }
}
