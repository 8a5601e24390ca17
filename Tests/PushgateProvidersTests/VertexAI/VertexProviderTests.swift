import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Synchronization
import Testing

/// `vertex-ai:push` (docs/provider-apis.md §9): the CustomJob body from the shipped template, valid
/// against Google's `aiplatform.v1` discovery document; the `JOB_STATE_*` mapping; exactly-once through
/// the labels look-up after an ambiguous create.
@Suite("Vertex AI custom jobs")
struct VertexProviderTests {
    static let variables: JSONValue = [
        "region": "us-central1", "image": "us-docker.pkg.dev/p/r/train:1", "command": "python train.py --epochs 3",
        "machine_type": "n1-standard-8", "accelerator_type": "NVIDIA_TESLA_T4", "accelerator_count": 2,
        "maximum_run_time_hours": 2, "network": "projects/1/global/networks/n", "reserved_ip_ranges": ["r1"],
        "service_account_name": "sa@p.iam.gserviceaccount.com", "enable_web_access": true,
        "env": ["GREETING": "hi"], "labels": ["Team": "ML"],
    ]

    static func job(_ variables: JSONValue = variables, attempt: Int = 1) throws -> SubmissionJob {
        try BearerProviderTestSupport.job(template: "vertex-ai-push.json", variables: variables, attempt: attempt)
    }

    static func provider(_ http: any HTTPClient) -> VertexProvider {
        VertexProvider(
            configuration: CloudRunV2Configuration(project: "proj-1", randomSeed: 1),
            endpointOverride: nil,
            tokens: FixedBearerTokens(),
            http: http,
            clock: RecordingSleepClock()
        )
    }

    @Test func theBodyIsPrefectsCustomJobInRESTFieldNames() throws {
        let spec = try VertexCustomJobSpec.make(try Self.job(), defaultProject: "proj-1").get()
        let body = spec.body
        let jobSpec = try #require(body["jobSpec"])
        let pool = try #require(jobSpec["workerPoolSpecs"]?.arrayValue?.first)
        #expect(pool["containerSpec"]?["imageUri"] == "us-docker.pkg.dev/p/r/train:1")
        #expect(pool["containerSpec"]?["command"] == ["python", "train.py", "--epochs", "3"])
        #expect(pool["containerSpec"]?["env"]?.arrayValue?.contains(["name": "GREETING", "value": "hi"]) == true)
        #expect(pool["machineSpec"] == ["machineType": "n1-standard-8", "acceleratorType": "NVIDIA_TESLA_T4", "acceleratorCount": 2])
        #expect(pool["replicaCount"] == "1")
        #expect(jobSpec["scheduling"]?["timeout"] == "7200s")
        #expect(jobSpec["serviceAccount"] == "sa@p.iam.gserviceaccount.com")
        #expect(jobSpec["network"] == "projects/1/global/networks/n" && jobSpec["reservedIpRanges"] == ["r1"])
        #expect(jobSpec["enableWebAccess"] == true)
        #expect(body["labels"]?["pushgate-run-id"]?.stringValue == BearerProviderTestSupport.runID)
        #expect(body["labels"]?["pushgate-attempt"] == "1" && body["labels"]?["team"] == "ml")
        #expect(spec.filter == "labels.pushgate-run-id=\"\(BearerProviderTestSupport.runID)\" AND labels.pushgate-attempt=\"1\"")
        let request = VertexRequests(endpointOverride: nil).create(spec)
        #expect(request.url == "https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1/customJobs")
        #expect(!request.isIdempotent)
        #expect(VertexRequests(endpointOverride: nil).list(spec).url.contains("?filter=labels.pushgate-run-id%3D%22"))
    }

    @Test(arguments: [variables, ["region": "europe-west4", "image": "gcr.io/p/i:1"] as JSONValue])
    func everyBodyIsValidAgainstTheAIPlatformDiscoveryDocument(_ variables: JSONValue) throws {
        let schema = try GoogleDiscoverySchema(fixture: "aiplatform.v1.json")
        let request = try #require(schema.requestSchema(resources: ["projects", "locations", "customJobs"], method: "create"))
        #expect(request == "GoogleCloudAiplatformV1CustomJob")
        let body = try VertexCustomJobSpec.make(try Self.job(variables), defaultProject: "proj-1").get().body
        #expect(schema.problems(body, schema: request).isEmpty, "\(schema.problems(body, schema: request))")
        #expect(schema.requestSchema(resources: ["projects", "locations", "customJobs"], method: "cancel") != nil)
    }

    @Test func jobStatesMapToRunStates() {
        func map(_ state: String, error: JSONValue? = nil, cancel: Bool = false) -> ProviderStatus.State {
            var job: [String: JSONValue] = ["state": .string(state)]
            job["error"] = error
            return VertexStatusMapping.status(job: .object(job), cancelRequested: cancel).state
        }
        #expect(map("JOB_STATE_QUEUED") == .pending && map("JOB_STATE_PENDING") == .pending)
        #expect(map("JOB_STATE_RUNNING") == .running && map("JOB_STATE_CANCELLING") == .running)
        #expect(map("JOB_STATE_SUCCEEDED") == .completed)
        #expect(map("JOB_STATE_FAILED", error: ["code": 3, "message": "exit status 1"]) == .failed)
        #expect(map("JOB_STATE_FAILED", error: ["code": 8, "message": "The following quota metrics exceed quota limits"]) == .crashed)
        #expect(map("JOB_STATE_CANCELLED", cancel: true) == .cancelled && map("JOB_STATE_CANCELLED") == .crashed)
        #expect(map("JOB_STATE_EXPIRED") == .crashed)
    }

    @Test func aFailedReplicasExitCodeIsReadFromVertexsMessage() {
        func exitCode(_ message: String) -> Int? {
            let job: JSONValue = ["state": "JOB_STATE_FAILED", "error": ["code": 3, "message": .string(message)]]
            return VertexStatusMapping.status(job: job, cancelRequested: false).exitCode
        }
        #expect(exitCode("The replica workerpool0-0 exited with a non-zero status of 3. To find out more about why your job exited") == 3)
        #expect(exitCode("The replica workerpool1-2 exited with a non-zero status of 137.") == 137)
        #expect(exitCode("Internal error occurred") == 1, "no code in the message: Prefect's 1")
    }

    final class Calls: Sendable {
        let log = Mutex<[String]>([])
        func add(_ request: HTTPRequest) -> Int {
            log.withLock { log in
                log.append("\(request.method) \(request.url.split(separator: "?").first ?? "")")
                return log.count
            }
        }
        var creates: Int { log.withLock { $0.filter { $0.hasPrefix("POST") && $0.hasSuffix("/customJobs") }.count } }
    }

    @Test func anAmbiguousCreateIsLookedUpByItsLabelsBeforeAnyResend() async throws {
        let calls = Calls()
        // The create times out after taking effect; the list finds the job: nothing is sent again.
        let http = RecordingHTTPClient { request in
            _ = calls.add(request)
            if request.method == "POST" { throw HTTPClientError(.timeout, "timed out") }
            #expect(request.url.contains("filter=labels.pushgate-run-id"))
            return RecordingHTTPClient.ok(
                #"{"customJobs":[{"name":"projects/proj-1/locations/us-central1/customJobs/42","createTime":"2026-12-07T09:00:00Z"}]}"#
            )
        }
        let handle = try await Self.provider(http).submit(try Self.job())
        #expect(handle.value == "projects/proj-1/locations/us-central1/customJobs/42")
        #expect(calls.creates == 1)
    }

    @Test func aCreateTheListDoesNotShowIsSentOnceMore() async throws {
        let calls = Calls()
        let http = RecordingHTTPClient { request in
            let n = calls.add(request)
            if request.method == "POST" {
                if n == 1 { throw HTTPClientError(.connectionReset, "reset") }
                return RecordingHTTPClient.ok(#"{"name":"projects/proj-1/locations/us-central1/customJobs/7"}"#)
            }
            return RecordingHTTPClient.ok("{}")  // an empty list is {} in proto3 JSON
        }
        let provider = Self.provider(http)
        #expect(try await provider.submit(try Self.job()).value.hasSuffix("/customJobs/7"))
        #expect(calls.creates == 2)
        #expect(try await provider.lookUp(try Self.job()) == nil)
    }

    @Test func pollAndCancel() async throws {
        let calls = Calls()
        let http = RecordingHTTPClient { request in
            _ = calls.add(request)
            if request.url.hasSuffix(":cancel") {
                return HTTPResponse(status: 400, body: Data(#"{"error":{"code":400,"status":"FAILED_PRECONDITION","message":"already done"}}"#.utf8))
            }
            return RecordingHTTPClient.ok(#"{"state":"JOB_STATE_RUNNING"}"#)
        }
        let provider = Self.provider(http)
        let job = try Self.job()
        let handle = ProviderHandle("projects/proj-1/locations/us-central1/customJobs/9")
        let status = try await provider.poll([PollTarget(handle: handle, job: job, submittedAt: Date(), now: Date())])
        #expect(status[handle]?.state == .running)
        try await provider.cancel(handle, job: job, reason: "test")
        #expect(calls.log.withLock { $0.last } == "POST https://us-central1-aiplatform.googleapis.com/v1/\(handle.value):cancel")
        let steps = try await provider.dryRun(job)
        #expect(steps.count == 1 && steps[0].method == "POST")
    }
}
