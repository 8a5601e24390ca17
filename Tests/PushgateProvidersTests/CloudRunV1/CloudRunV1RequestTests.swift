import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

/// The `cloud-run:push` requests, built purely from the shipped template (docs/provider-apis.md §8),
/// and every body checked against Google's `run.v1` discovery document.
@Suite("Cloud Run V1 request building")
struct CloudRunV1RequestTests {
    static let variables: JSONValue = [
        "region": "europe-west1", "image": "us-docker.pkg.dev/p/r/flow:1", "cpu": "1000m",
        "memory": "512Mi", "timeout": 900, "vpc_connector_name": "conn-1", "service_account_name": "sa@proj-1.iam.gserviceaccount.com",
        "command": "python -m flow 'a b'", "env": ["GREETING": "hi", "EMPTY": nil],
        "labels": ["Team": "Data Eng"],
        "prefect_api_key_secret": ["secret": "prefect-key", "version": "3"],
    ]

    static func job(_ variables: JSONValue = variables) throws -> SubmissionJob {
        try BearerProviderTestSupport.job(template: "cloud-run-push.json", variables: variables)
    }

    static func provider(http: any HTTPClient = RecordingHTTPClient { _ in RecordingHTTPClient.ok("{}") }) -> CloudRunV1Provider {
        CloudRunV1Provider(
            configuration: CloudRunV2Configuration(project: "proj-1", operationPollInterval: 0.001, randomSeed: 1),
            endpointOverride: nil,
            tokens: FixedBearerTokens(),
            http: http,
            clock: RecordingSleepClock()
        )
    }

    @Test func theJobBodyIsPrefectsPostProcessingWithAKeyDerivedName() throws {
        let job = try Self.job()
        let spec = try CloudRunV1JobSpec.make(job, defaultProject: "proj-1").get()
        #expect(spec.project == "proj-1" && spec.region == "europe-west1")
        #expect(spec.jobName == "pg-\(BearerProviderTestSupport.runID)-1")
        let body = spec.body
        #expect(body["apiVersion"] == "run.googleapis.com/v1" && body["kind"] == "Job")
        #expect(body["metadata"]?["name"]?.stringValue == spec.jobName && body["metadata"]?["namespace"] == "proj-1")
        #expect(body["metadata"]?["labels"]?["team"] == "data_eng")
        let execution = try #require(body["spec"]?["template"])
        #expect(execution["metadata"]?["labels"]?["team"] == "data_eng")
        #expect(execution["metadata"]?["annotations"]?["run.googleapis.com/vpc-access-connector"] == "conn-1")
        let task = try #require(execution["spec"]?["template"]?["spec"])
        #expect(task["timeoutSeconds"] == "900")
        #expect(task["maxRetries"] == 0)
        #expect(task["serviceAccountName"] == "sa@proj-1.iam.gserviceaccount.com")
        let container = try #require(task["containers"]?.arrayValue?.first)
        #expect(container["command"] == ["python", "-m", "flow", "a b"])
        #expect(container["resources"]?["limits"] == ["cpu": "1000m", "memory": "512Mi"])
        let env = container["env"]?.arrayValue ?? []
        #expect(env.contains(["name": "GREETING", "value": "hi"]))
        #expect(!env.contains { $0["name"] == "EMPTY" })
        #expect(env.contains(["name": "PREFECT_API_KEY", "valueFrom": ["secretKeyRef": ["name": "prefect-key", "key": "3"]]]))
        #expect(env.contains { $0["name"] == "PREFECT__FLOW_RUN_ID" || $0["name"] == "PUSHGATE_RUN_ID" })
    }

    @Test func theRequestsGoToTheRegionalEndpointOrTheOverride() throws {
        let spec = try CloudRunV1JobSpec.make(try Self.job(), defaultProject: "proj-1").get()
        let regional = CloudRunV1Requests(endpointOverride: nil)
        #expect(
            regional.createJob(spec).url == "https://europe-west1-run.googleapis.com/apis/run.googleapis.com/v1/namespaces/proj-1/jobs"
        )
        #expect(!regional.createJob(spec).isIdempotent && !regional.runJob(project: "p", region: "r", job: "j").isIdempotent)
        let local = CloudRunV1Requests(endpointOverride: "http://127.0.0.1:9/")
        #expect(
            local.getExecution(project: "p", region: "r", execution: "e-1").url
                == "http://127.0.0.1:9/apis/run.googleapis.com/v1/namespaces/p/executions/e-1"
        )
        #expect(local.deleteExecution(project: "p", region: "r", execution: "e-1").method == "DELETE")
        #expect(local.listExecutions(project: "p", region: "r", job: "j").url.hasSuffix("/executions?labelSelector=run.googleapis.com%2Fjob%3Dj"))
    }

    @Test func problemsNameTheirFieldsAndNothingIsSent() throws {
        var variables = Self.variables.objectValue!
        variables["region"] = ""
        let job = try Self.job(.object(variables))
        let problems = Self.provider().validate(job).map(\.description).joined(separator: "\n")
        #expect(problems.contains("$.region"), "\(problems)")
        let noImage = BearerProviderTestSupport.setting("job_body", to: ["spec": [:]], in: try Self.job())
        #expect(Self.provider().validate(noImage).map(\.description).joined().contains("containers"))
    }

    @Test(arguments: [variables, ["region": "us-central1", "image": "gcr.io/p/i:1"] as JSONValue])
    func everyBodyIsValidAgainstTheRunV1DiscoveryDocument(_ variables: JSONValue) throws {
        let schema = try GoogleDiscoverySchema(fixture: "run.v1.json")
        let request = try #require(schema.requestSchema(resources: ["namespaces", "jobs"], method: "create"))
        #expect(request == "Job")
        let spec = try CloudRunV1JobSpec.make(try Self.job(variables), defaultProject: "proj-1").get()
        #expect(schema.problems(spec.body, schema: request).isEmpty, "\(schema.problems(spec.body, schema: request))")
        #expect(schema.requestSchema(resources: ["namespaces", "jobs"], method: "run") == "RunJobRequest")
        #expect(schema.problems(try JSONValue.parse(Data("{}".utf8)), schema: "RunJobRequest").isEmpty)
    }

    @Test func theWalkerCatchesWhatGoogleWouldRefuse() throws {
        let schema = try GoogleDiscoverySchema(fixture: "run.v1.json")
        var body = try CloudRunV1JobSpec.make(try Self.job(), defaultProject: "proj-1").get().body.objectValue!
        body["spec"] = ["template": ["spec": ["template": ["spec": ["containers": [["args": "one"]], "timeoutSeconds": 600]]]], "oops": 1]
        let problems = schema.problems(.object(body), schema: "Job").joined(separator: "\n")
        #expect(problems.contains("$.spec.oops: not a field"))
        #expect(problems.contains("timeoutSeconds: expected string"))
        #expect(problems.contains("containers[0].args: expected array"))
        #expect(problems.contains("containers[0].image: required"))
    }

    @Test func dryRunShowsCreateGetAndRunWithTheSecretsHidden() async throws {
        var variables = Self.variables.objectValue!
        variables["env"] = ["DB_PASSWORD": "hunter2-secret"]
        let steps = try await Self.provider().dryRun(try Self.job(.object(variables)))
        #expect(steps.map(\.method) == ["POST", "GET", "POST"])
        #expect(steps[2].url.hasSuffix(":run"))
        let text = steps.map { String(decoding: $0.body, as: UTF8.self) }.joined()
        #expect(!text.contains("hunter2-secret") && text.contains("DB_PASSWORD"))
    }
}
