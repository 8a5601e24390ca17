import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateTestSupport
import Synchronization
import Testing

/// `vertex-ai:push` through libcurl against the loopback Vertex AI emulator, with a real JWT-bearer token
/// exchange, in both answer shapes the real API allows: job names with the project number and a cancel
/// seen as CANCELLING for a read, list pages as large as asked; or names with the project id given, a
/// cancel that reads CANCELLED at once and one job a list page (docs/provider-apis.md §9.3–§9.6).
@Suite("Vertex AI against the emulator")
struct VertexEmulatorTests {
    static let projectNumber = "410078334512"

    enum Shape: String, CaseIterable, Sendable {
        case projectNumberAndCancelling, projectIDAndCancelledAtOnce

        func tune(_ configuration: inout VertexEmulatorConfiguration) {
            switch self {
            case .projectNumberAndCancelling:
                configuration.nameProject = .number
                configuration.cancellingReads = 1
            case .projectIDAndCancelledAtOnce:
                configuration.nameProject = .id
                configuration.cancellingReads = 0
                configuration.listPageSize = 1
            }
        }

        /// `projects/{…}/locations/us-central1/customJobs/` as this shape names jobs.
        var namePrefix: String {
            "projects/\(self == .projectNumberAndCancelling ? VertexEmulatorTests.projectNumber : "proj-1")/locations/us-central1/customJobs/"
        }
    }

    static func withEmulator(
        _ shape: Shape,
        pacing: WorkloadPacing = .perPoll(pending: 2, running: 1),
        wrap: (any HTTPClient) -> any HTTPClient = { $0 },
        _ body: (VertexEmulator, any Provider, any HTTPClient) async throws -> Void
    ) async throws {
        let account = try CloudRunEndToEndTests.serviceAccount()
        var configuration = VertexEmulatorConfiguration(
            serviceAccounts: [account.email: account.pem],
            projects: ["proj-1": projectNumber],
            pacing: pacing
        )
        shape.tune(&configuration)
        let emulator = try VertexEmulator.start(configuration: configuration)
        defer { emulator.stop() }
        try await withCurlHTTPClient { curl in
            let http = wrap(curl)
            let provider = try ProviderRegistration.vertexAI.makeProvider(
                .init(credentials: try credentials(emulator), profile: "fake", http: http, clock: RecordingSleepClock(), environment: [:])
            )
            try await body(emulator, provider, curl)
        }
    }

    static func credentials(_ emulator: VertexEmulator) throws -> CredentialsFile {
        try CredentialsFile(
            parsing: """
                [gcp fake]
                key_file = \(CloudRunEndToEndTests.keyPath)
                project = proj-1
                token_uri = \(emulator.tokenURI)
                aiplatform_endpoint = \(emulator.baseURL)
                """,
            path: "/tmp/pushgate-test-credentials.ini",
            kinds: [.gcp]
        )
    }

    static func job(_ extra: JSONValue = [:], run: Int, attempt: Int = 1) throws -> SubmissionJob {
        var variables = VertexProviderTests.variables.objectValue!
        variables.merge(extra.objectValue ?? [:]) { _, new in new }
        return try BearerProviderTestSupport.job(
            template: "vertex-ai-push.json",
            variables: .object(variables),
            runID: String(format: "00000000-0000-4000-8000-%012d", run),
            attempt: attempt
        )
    }

    /// Sends `method path` (after `/v1/projects/proj-1/locations/us-central1/`) with a valid token, as a
    /// client other than the provider would.
    static func raw(
        _ emulator: VertexEmulator,
        _ http: any HTTPClient,
        _ method: String,
        _ path: String,
        body: JSONValue? = nil,
        token: Bool = true
    ) async throws -> (status: Int, json: JSONValue) {
        var headers: HTTPHeaders = [:]
        if token {
            let tokens = try credentials(emulator).gcpTokenProvider(profile: "fake", http: http, clock: RecordingSleepClock())
            headers.add("Authorization", try await tokens.token().authorizationHeader)
        }
        if body != nil { headers.add("Content-Type", "application/json") }
        let response = try await http.execute(
            HTTPRequest(
                method: method,
                url: "\(emulator.baseURL)/v1/projects/proj-1/locations/us-central1/\(path)",
                headers: headers,
                body: body?.data() ?? Data()
            )
        )
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    @Test(arguments: Shape.allCases)
    func runsEndAsTheirJobsDidWithOneJobEach(_ shape: Shape) async throws {
        try await Self.withEmulator(shape) { emulator, provider, _ in
            let cases: [(JSONValue, ProviderStatus.State, String?)] = [
                ([:], .completed, nil),
                (["command": "python train.py; exit 3"], .failed, "non-zero status of 3"),
                (["image": "us-docker.pkg.dev/p/r/crash:1"], .crashed, "quota"),
                (["image": "us-docker.pkg.dev/p/r/missing:1"], .crashed, "not found"),
            ]
            for (index, (extra, want, reason)) in cases.enumerated() {
                let job = try Self.job(extra, run: index)
                let handle = try await provider.submit(job)
                #expect(handle.value.hasPrefix(shape.namePrefix), "\(handle.value)")
                #expect(handle.value.split(separator: "/").last.map { UInt64($0) != nil } == true, "a numeric id")
                // A gateway that lost the answer finds the job by its labels.
                #expect(try await provider.lookUp(job) == handle)
                let seen = try await provider.pollUntilTerminal(handle, job: job, limit: 30)
                #expect(seen.last?.state == want, "\(extra): \(seen)")
                #expect(seen.first?.state == .pending, "QUEUED and PENDING are Pending: \(seen)")
                if want == .completed || want == .failed { #expect(seen.contains { $0.state == .running }, "\(seen)") }
                if let reason { #expect(seen.last?.reason?.contains(reason) == true, "\(seen)") }
                try await provider.cleanUp(handle, job: job)
            }
            let stats = emulator.statistics
            #expect(stats.jobsCreated == 4 && stats.duplicatedAttempts.isEmpty, "\(stats)")
            #expect(stats.createsPerAttempt.count == 4)
            #expect(stats.invalidRequests == 0 && stats.unauthorized == 0)
            #expect(stats.tokensIssued == 1, "one token, cached across every call")
            #expect(try await provider.lookUp(try Self.job(run: 99)) == nil)
        }
    }

    @Test(arguments: Shape.allCases)
    func aCancelledRunEndsCancelled(_ shape: Shape) async throws {
        try await Self.withEmulator(shape, pacing: .perPoll(pending: 0, running: 1_000)) { emulator, provider, _ in
            let job = try Self.job(run: 9)
            let handle = try await provider.submit(job)
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 2).last?.state == .running)
            try await provider.cancel(handle, job: job, reason: "test")
            let seen = try await provider.pollUntilTerminal(handle, job: job, cancelRequested: true, limit: 10)
            let want: [ProviderStatus.State] = shape == .projectNumberAndCancelling ? [.running, .cancelled] : [.cancelled]
            #expect(seen.map(\.state) == want, "\(seen)")
            #expect(seen.first?.reason == (shape == .projectNumberAndCancelling ? "cancelling" : "CANCELED"))
            // A second cancel of an ended job is FAILED_PRECONDITION, which leaves nothing to do.
            try await provider.cancel(handle, job: job, reason: "again")
            #expect(emulator.statistics.cancels == 1)
            // Cancelled without a cancel from the gateway reads as Crashed.
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 1).last?.state == .crashed)
        }
    }

    /// A create whose answer is lost after the emulator made the job: the label look-up finds it, so
    /// nothing is sent again and the attempt has one job.
    @Test(arguments: Shape.allCases)
    func aCreateWhoseAnswerIsLostIsFoundByItsLabels(_ shape: Shape) async throws {
        try await Self.withEmulator(shape, wrap: { LosingFirstCreateAnswer($0) }) { emulator, provider, _ in
            let job = try Self.job(run: 3)
            let handle = try await provider.submit(job)
            #expect(handle.value.hasPrefix(shape.namePrefix))
            let stats = emulator.statistics
            #expect(stats.jobsCreated == 1 && stats.lists == 1, "\(stats)")
            #expect(try await provider.pollUntilTerminal(handle, job: job, limit: 30).last?.state == .completed)
        }
    }

    /// Two jobs for one attempt (the window of §9.3): the look-up reads every page and adopts the older.
    @Test(arguments: Shape.allCases)
    func theLookUpAdoptsTheOlderOfTwoJobsOnAnyPage(_ shape: Shape) async throws {
        try await Self.withEmulator(shape) { emulator, provider, _ in
            let job = try Self.job(run: 4)
            let first = try await provider.submit(job)
            try await Task.sleep(nanoseconds: 5_000_000)
            let second = try await provider.submit(job)
            #expect(first != second)
            _ = try await provider.submit(try Self.job(run: 4, attempt: 2))
            #expect(try await provider.lookUp(job) == first)
            #expect(emulator.statistics.duplicatedAttempts == ["00000000-0000-4000-8000-000000000004/1"])
            #expect(emulator.statistics.lists == (shape == .projectIDAndCancelledAtOnce ? 2 : 1), "one job a page: two pages")
        }
    }

    @Test func bodiesTheRealAPIRefusesAreRefusedWithItsMessages() async throws {
        try await Self.withEmulator(.projectNumberAndCancelling) { emulator, _, http in
            let valid = try VertexCustomJobSpec.make(try Self.job(run: 1), defaultProject: "proj-1").get().body
            func without(_ path: [String]) -> JSONValue {
                func drop(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
                    guard let key = path.first else { return value }
                    if var items = value.arrayValue, let first = items.first {
                        items[0] = drop(first, path)
                        return .array(items)
                    }
                    var object = value.objectValue ?? [:]
                    object[key] = path.count == 1 ? nil : drop(object[key] ?? .null, path.dropFirst())
                    return .object(object)
                }
                return drop(valid, path[...])
            }
            let refused: [(JSONValue, String)] = [
                (without(["displayName"]), "Field: display_name; Message: Required field is not set."),
                (without(["jobSpec", "workerPoolSpecs", "machineSpec", "machineType"]), "job_spec.worker_pool_specs[0].machine_spec.machine_type"),
                (without(["jobSpec", "workerPoolSpecs", "containerSpec", "imageUri"]), "job_spec.worker_pool_specs[0].container_spec.image_uri"),
                (without(["jobSpec", "workerPoolSpecs", "replicaCount"]), "job_spec.worker_pool_specs[0].replica_count"),
                (without(["jobSpec", "workerPoolSpecs"]), "Field: job_spec.worker_pool_specs;"),
            ]
            for (body, message) in refused {
                let (status, json) = try await Self.raw(emulator, http, "POST", "customJobs", body: body)
                #expect(status == 400 && json["error"]?["status"] == "INVALID_ARGUMENT")
                #expect(json["error"]?["message"]?.stringValue?.contains(message) == true, "\(json)")
            }
            var unknown = valid.objectValue!
            unknown["jobSpec"] = .object((valid["jobSpec"]?.objectValue ?? [:]).merging(["worker_pool_specs": []]) { $1 })
            let (status, json) = try await Self.raw(emulator, http, "POST", "customJobs", body: .object(unknown))
            #expect(status == 400)
            #expect(
                json["error"]?["message"]
                    == #"Invalid JSON payload received. Unknown name "worker_pool_specs" at 'custom_job.job_spec': Cannot find field."#
            )
            var badLabel = valid.objectValue!
            badLabel["labels"] = ["Team": "ml"]
            #expect(try await Self.raw(emulator, http, "POST", "customJobs", body: .object(badLabel)).status == 400)
            #expect(emulator.statistics.jobsCreated == 0 && emulator.statistics.invalidRequests == 7)

            // The valid body is accepted, QUEUED, its id numeric and its project the number.
            let created = try await Self.raw(emulator, http, "POST", "customJobs", body: valid)
            #expect(created.status == 200 && created.json["state"] == "JOB_STATE_QUEUED")
            let name = try #require(created.json["name"]?.stringValue)
            #expect(name.hasPrefix("projects/\(Self.projectNumber)/locations/us-central1/customJobs/"))
            #expect(created.json["createTime"]?.stringValue?.hasSuffix("Z") == true && created.json["displayName"] == valid["displayName"])
        }
    }

    @Test func notFoundFiltersPagesAndTokensAnswerAsTheRealAPI() async throws {
        try await Self.withEmulator(.projectIDAndCancelledAtOnce) { emulator, provider, http in
            let missing = try await Self.raw(emulator, http, "GET", "customJobs/1234567890")
            #expect(missing.status == 404 && missing.json["error"]?["status"] == "NOT_FOUND" && missing.json["error"]?["code"] == 404)
            #expect(try await Self.raw(emulator, http, "POST", "customJobs/1234567890:cancel", body: [:]).status == 404)
            #expect(try await Self.raw(emulator, http, "GET", "customJobs").json == [:], "an empty list is {}")
            #expect(try await Self.raw(emulator, http, "GET", "customJobs?filter=foo%3Dbar").status == 400)
            #expect(try await Self.raw(emulator, http, "GET", "customJobs?pageToken=nope").status == 400)
            let unauthorized = try await Self.raw(emulator, http, "GET", "customJobs", token: false)
            #expect(unauthorized.status == 401 && unauthorized.json["error"]?["status"] == "UNAUTHENTICATED")

            for run in 0..<3 { _ = try await provider.submit(try Self.job(run: run)) }
            // One job a page (this shape's listPageSize), newest first, a token while more remain.
            var names: [String] = []
            var token = ""
            for _ in 0..<5 {
                let page = try await Self.raw(emulator, http, "GET", "customJobs?pageSize=10" + (token.isEmpty ? "" : "&pageToken=\(token)"))
                names += (page.json["customJobs"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                token = page.json["nextPageToken"]?.stringValue ?? ""
                if token.isEmpty { break }
            }
            #expect(names == emulator.jobNames.reversed())
            let filtered = try await Self.raw(
                emulator,
                http,
                "GET",
                "customJobs?filter=" + #"labels.pushgate-run-id="00000000-0000-4000-8000-000000000001""#.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics
                )!
            )
            #expect(filtered.json["customJobs"]?.arrayValue?.count == 1 && filtered.json["nextPageToken"] == nil)
            // The project may be named by its number in the path; another project is refused.
            let authorization = try await Self.credentials(emulator).gcpTokenProvider(profile: "fake", http: http, clock: RecordingSleepClock())
                .token().authorizationHeader
            for (project, want) in [(Self.projectNumber, 200), ("someone-else", 403)] {
                let url = "\(emulator.baseURL)/v1/projects/\(project)/locations/us-central1/customJobs"
                #expect(try await http.execute(HTTPRequest(method: "GET", url: url, headers: ["Authorization": authorization])).status == want)
            }
        }
    }
}

/// Forwards to `base`, but the first `customJobs.create` times out after the server took it: an
/// ambiguous create.
final class LosingFirstCreateAnswer: HTTPClient {
    let base: any HTTPClient
    let lost = Mutex(false)

    init(_ base: any HTTPClient) { self.base = base }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await base.execute(request)
        let isCreate = request.method == "POST" && request.url.hasSuffix("/customJobs")
        if isCreate,
            lost.withLock({ done in
                defer { done = true }
                return !done
            })
        {
            throw HTTPClientError(.timeout, "timed out after the create was sent")
        }
        return response
    }
}
