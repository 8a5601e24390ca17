import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// Pure request building from the shipped template: what Prefect's Cloud Run v2 worker does after
/// templating (docs/prefect-semantics.md §3.4), the deterministic job id, validation and dry-run.
@Suite("Cloud Run v2 request building")
struct CloudRunRequestBuildingTests {
    static let variables: JSONValue = [
        "image": "us-docker.pkg.dev/p/repo/job:1.2", "region": "europe-west1", "command": "python -m job --name 'a b'",
        "env": ["GREETING": "hi", "DROPPED": nil, "PREFECT_API_KEY": "pk-plaintext-should-not-be-sent"],
        "labels": ["Team": "Data Eng", "9lives": "x"], "timeout": 1800, "cpu": "2", "memory": "1Gi",
        "prefect_api_key_secret": ["secret": "prefect-api-key", "version": "3"],
        "env_from_secrets": ["DB_PASSWORD": ["secret": "db-pass", "version": "latest"]],
    ]

    static func provider(
        http: any HTTPClient = RecordingHTTPClient { _ in throw HTTPClientError(.connectFailed, "no network in this test") }
    ) -> CloudRunV2Provider {
        CloudRunV2Provider(
            configuration: CloudRunV2Configuration(runEndpoint: "https://run.example.test", project: "proj-1"),
            tokens: FixedBearerTokens(),
            http: http,
            clock: ManualClock()
        )
    }

    @Test("job body: env list with secretKeyRefs, sanitised labels, split command, timeout as a duration, no vpcAccess")
    func jobBody() throws {
        let job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: Self.variables)
        let spec = try CloudRunJobSpec.make(job, defaultProject: "proj-1").get()
        let task = try #require(spec.body["template"]?["template"])
        let container = try #require(task["containers"]?.arrayValue?.first)
        #expect(container["image"] == "us-docker.pkg.dev/p/repo/job:1.2")
        #expect(container["command"] == ["python", "-m", "job", "--name", "a b"])
        #expect(task["timeout"] == "1800s")
        #expect(task["maxRetries"] == 0)
        #expect(task["vpcAccess"] == nil)
        #expect(container["resources"] == ["limits": ["cpu": "2", "memory": "1Gi"]])
        let env = container["env"]?.arrayValue ?? []
        let names = env.compactMap { $0["name"]?.stringValue }
        #expect(names.contains("GREETING") && !names.contains("DROPPED"))
        #expect(names.contains("PUSHGATE_RUN_ID"))
        let apiKey = env.filter { $0["name"] == "PREFECT_API_KEY" }
        #expect(apiKey == [["name": "PREFECT_API_KEY", "valueSource": ["secretKeyRef": ["secret": "prefect-api-key", "version": "3"]]]])
        #expect(env.contains(["name": "DB_PASSWORD", "valueSource": ["secretKeyRef": ["secret": "db-pass", "version": "latest"]]]))
        #expect(!spec.body.serialized().contains("pk-plaintext-should-not-be-sent"))
        let labels = try #require(spec.body["labels"]?.objectValue)
        #expect(labels["team"] == "data_eng")
        #expect(labels["l_9lives"] == "x")
        #expect(labels["prefect_io_flow-run-id"] == .string(BearerProviderTestSupport.runID))
        #expect(spec.body["template"]?["labels"] == spec.body["labels"])
        #expect(spec.region == "europe-west1" && spec.project == "proj-1")
    }

    @Test("job id: deterministic from the idempotency key, a valid Cloud Run job id")
    func jobID() throws {
        let job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: Self.variables)
        let first = try CloudRunJobSpec.make(job, defaultProject: "p").get().jobID
        let again = try CloudRunJobSpec.make(job, defaultProject: "p").get().jobID
        #expect(first == again)
        #expect(first == "pg-\(BearerProviderTestSupport.runID)-1")
        for key in ["pg-" + String(repeating: "x", count: 80) + "-1", "9UPPER_case run!!-2", "---"] {
            let id = ResourceNames.dnsLabel(from: key)
            #expect(id.count <= 63 && id.first?.isLetter == true && id.last != "-", "\(id)")
            #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
        }
        #expect(
            ResourceNames.dnsLabel(from: "pg-" + String(repeating: "a", count: 80) + "-1")
                != ResourceNames.dnsLabel(from: "pg-" + String(repeating: "a", count: 80) + "-2")
        )
        let request = CloudRunRequests(endpoint: "https://run.example.test").createJob(try CloudRunJobSpec.make(job, defaultProject: "p").get())
        #expect(request.url == "https://run.example.test/v2/projects/p/locations/europe-west1/jobs?jobId=\(first)")
        #expect(request.isIdempotent == false)
    }

    @Test("a missing image, region or project is rejected before any call, naming the field", arguments: ["image", "region", "project"])
    func missingField(_ field: String) async throws {
        var job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: Self.variables)
        if field == "image" {
            var body = job.configuration["job_body"]!
            var template = body["template"]!.objectValue!
            var task = template["template"]!.objectValue!
            var container = task["containers"]!.arrayValue![0].objectValue!
            container["image"] = nil
            task["containers"] = [.object(container)]
            template["template"] = .object(task)
            body = .object((body.objectValue ?? [:]).merging(["template": .object(template)]) { $1 })
            job = BearerProviderTestSupport.setting("job_body", to: body, in: job)
        } else if field == "region" {
            job = BearerProviderTestSupport.setting("region", to: nil, in: job)
        }
        let http = RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        let provider = CloudRunV2Provider(
            configuration: CloudRunV2Configuration(runEndpoint: "https://run.example.test", project: field == "project" ? nil : "p"),
            tokens: FixedBearerTokens(),
            http: http,
            clock: ManualClock()
        )
        let problems = provider.validate(job)
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains(field) == true, "\(problems)")
        let error = await #expect(throws: ProviderError.self) { try await provider.submit(job) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(field) == true)
        #expect(http.requests.isEmpty)
    }

    @Test("dry-run: the token request with the assertion redacted, a placeholder bearer, plain env shown, nothing sent")
    func dryRun() async throws {
        let keyPath = Fixtures.url("google-jwt/google-auth-test-service_account.json").path
        let file = try CredentialsFile(
            parsing: "[gcp t]\nkey_file = \(keyPath)\nproject = proj-1\ntoken_uri = https://oauth2.example.test/token\n",
            path: "c.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let http = RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        let provider = CloudRunV2Provider(
            configuration: CloudRunV2Configuration(runEndpoint: "https://run.example.test", project: "proj-1"),
            tokens: FixedBearerTokens(),
            http: http,
            clock: ManualClock(),
            tokenPreview: try file.gcpTokenRequestPreview(profile: "t", http: http, clock: ManualClock())
        )
        let job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: Self.variables)
        let requests = try await provider.dryRun(job)
        #expect(http.requests.isEmpty)
        #expect(requests.map(\.method) == ["POST", "POST", "GET", "POST"])
        let token = String(decoding: requests[0].body, as: UTF8.self)
        #expect(requests[0].url == "https://oauth2.example.test/token")
        #expect(token.contains("grant_type=") && token.contains("assertion=<redacted>"))
        #expect(!token.contains("eyJ"))
        #expect(requests[1].headers["Authorization"] == DryRunRedaction.placeholderAuthorization)
        let body = String(decoding: requests[1].body, as: UTF8.self)
        #expect(body.contains("GREETING") && body.contains("\"hi\""), "a plain env value is shown")
        #expect(requests[3].url.hasSuffix(":run"))
    }

    @Test("shell words: quotes and escapes as shlex.split; an open quote is refused")
    func commandWords() {
        #expect(CommandWords.split(#"a 'b c' "d \"e\"" f\ g"#) == ["a", "b c", #"d "e""#, "f g"])
        #expect(CommandWords.split("  ") == [])
        #expect(CommandWords.split("a 'b") == nil)
    }
}
