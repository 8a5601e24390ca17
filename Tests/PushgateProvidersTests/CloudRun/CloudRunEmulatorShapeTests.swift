import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Testing

/// The Cloud Run emulator's answer shapes, read over HTTP as the API's clients see them
/// (docs/provider-apis.md §3.9): no kinder than the real API.
@Suite("Cloud Run emulator answer shapes")
struct CloudRunEmulatorShapeTests {
    typealias Support = CloudRunEndToEndTests
    static let jobID = "shape-job"
    static var jobName: String { Support.jobName(jobID) }
    static let jobBody = #"{"template":{"template":{"containers":[{"image":"us-docker.pkg.dev/p/r/j:1"}]}}}"#

    /// Creates the job (its operation done at once) and returns the `jobs.run` operation.
    static func createAndRun(_ fake: CloudRunEmulator, _ http: any HTTPClient) async throws -> JSONValue {
        let parent = "projects/\(Support.project)/locations/us-central1"
        let created = try await Support.raw(fake, http, "POST", "\(parent)/jobs?jobId=\(jobID)", body: jobBody)
        #expect(created.status == 200 && created.json["done"] == true)
        let run = try await Support.raw(fake, http, "POST", "\(jobName):run", body: "{}")
        #expect(run.status == 200)
        return run.json
    }

    @Test("latestCreatedExecution.name is the short id by default, the full name when configured; the run operation carries the full name")
    func executionReferences() async throws {
        for reference in [CloudRunEmulatorConfiguration.ExecutionReferenceName.shortID, .fullName] {
            try await Support.withFake(configure: {
                $0.operationPolls = 0
                $0.executionReferenceName = reference
            }) { fake, http in
                let operation = try await Self.createAndRun(fake, http)
                let full = try #require(operation["metadata"]?["name"]?.stringValue)
                #expect(full.hasPrefix(Self.jobName + "/executions/"))
                #expect(operation["metadata"]?["@type"] == "type.googleapis.com/google.cloud.run.v2.Execution")
                #expect(operation["done"] == false)  // the real API's run operation ends with the execution
                let job = try await Support.raw(fake, http, "GET", Self.jobName).json
                let name = job["latestCreatedExecution"]?["name"]?.stringValue
                #expect(name == (reference == .fullName ? full : String(full.split(separator: "/").last!)))
            }
        }
    }

    @Test("jobs.run without metadata; done in the first answer or after N operations.get")
    func runOperationShapes() async throws {
        try await Support.withFake(configure: {
            $0.operationPolls = 0
            $0.runOperationMetadata = false
            $0.runOperationPolls = 2
        }) { fake, http in
            let operation = try await Self.createAndRun(fake, http)
            #expect(operation["metadata"] == nil && operation["done"] == false)
            let name = try #require(operation["name"]?.stringValue)
            #expect(try await Support.raw(fake, http, "GET", name).json["done"] == false)
            let done = try await Support.raw(fake, http, "GET", name).json
            #expect(done["done"] == true)
            #expect(done["response"]?["name"]?.stringValue?.hasPrefix(Self.jobName + "/executions/") == true)
        }
        try await Support.withFake(configure: {
            $0.operationPolls = 0
            $0.runOperationPolls = 0
        }) { fake, http in
            let operation = try await Self.createAndRun(fake, http)
            #expect(operation["done"] == true && operation["response"]?["name"] == operation["metadata"]?["name"])
        }
    }

    @Test("executions.list: newest first, pages of pageSize capped by executionListPageSize, {} when empty, 404 for no job")
    func listsExecutions() async throws {
        try await Support.withFake(configure: {
            $0.operationPolls = 0
            $0.executionListPageSize = 1
        }) { fake, http in
            let parent = "projects/\(Support.project)/locations/us-central1"
            _ = try await Support.raw(fake, http, "POST", "\(parent)/jobs?jobId=\(Self.jobID)", body: Self.jobBody)
            let empty = try await Support.raw(fake, http, "GET", "\(Self.jobName)/executions")
            #expect(empty.status == 200 && empty.json == .object([:]))
            let first = try await Support.raw(fake, http, "POST", "\(Self.jobName):run", body: "{}").json["metadata"]?["name"]
            let second = try await Support.raw(fake, http, "POST", "\(Self.jobName):run", body: "{}").json["metadata"]?["name"]
            let page1 = try await Support.raw(fake, http, "GET", "\(Self.jobName)/executions?pageSize=5").json
            #expect(page1["executions"]?.arrayValue?.map { $0["name"] } == [second])
            let token = try #require(page1["nextPageToken"]?.stringValue)
            let page2 = try await Support.raw(fake, http, "GET", "\(Self.jobName)/executions?pageToken=\(token)").json
            #expect(page2["executions"]?.arrayValue?.map { $0["name"] } == [first])
            #expect(page2["nextPageToken"] == nil)
            #expect(try await Support.raw(fake, http, "GET", "\(Self.jobName)/executions?pageToken=bogus").status == 400)
            #expect(try await Support.raw(fake, http, "GET", "\(Support.jobName("nope"))/executions").status == 404)
        }
    }

    @Test("jobs.delete is refused with 400 FAILED_PRECONDITION while an execution is unfinished, and accepted after it completes")
    func deleteRefusedWhileRunning() async throws {
        try await Support.withFake(pacing: .perPoll(pending: 0, running: 1), configure: { $0.operationPolls = 0 }) { fake, http in
            let execution = try #require(try await Self.createAndRun(fake, http)["metadata"]?["name"]?.stringValue)
            let refused = try await Support.raw(fake, http, "DELETE", Self.jobName)
            #expect(refused.status == 400 && refused.json["error"]?["status"] == "FAILED_PRECONDITION")
            #expect(fake.statistics.deletesRefused == 1 && fake.jobIDs == [Self.jobID])
            // Two reads: running, then completed.
            _ = try await Support.raw(fake, http, "GET", execution)
            #expect(try await Support.raw(fake, http, "GET", execution).json["completionTime"] != nil)
            #expect(try await Support.raw(fake, http, "DELETE", Self.jobName).status == 200)
            #expect(fake.jobIDs.isEmpty)
        }
    }

    @Test("executionNotFoundReads and jobNotFoundReads answer 404 for a running execution and its job, then the truth")
    func staleNotFounds() async throws {
        try await Support.withFake(
            pacing: .perPoll(pending: 0, running: 1_000),
            configure: {
                $0.operationPolls = 0
                $0.executionNotFoundReads = 2
                $0.jobNotFoundReads = 1
            }
        ) { fake, http in
            let execution = try #require(try await Self.createAndRun(fake, http)["metadata"]?["name"]?.stringValue)
            #expect(try await Support.raw(fake, http, "GET", execution).status == 404)
            #expect(try await Support.raw(fake, http, "GET", execution).status == 404)
            #expect(try await Support.raw(fake, http, "GET", execution).status == 200)
            #expect(try await Support.raw(fake, http, "GET", Self.jobName).status == 404)
            #expect(try await Support.raw(fake, http, "GET", Self.jobName).status == 200)
            // The list still shows it meanwhile.
            #expect(try await Support.raw(fake, http, "GET", "\(Self.jobName)/executions").json["executions"]?.arrayValue?.count == 1)
            let stats = fake.statistics
            #expect(stats.staleNotFounds == 3 && stats.concurrentExecutions == 1 && stats.peakConcurrentExecutions == 1)
        }
    }
}
