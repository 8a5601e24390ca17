import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// Each provider's dry run shows what would be sent and hides only what is secret: env values with a
/// secret name, URL passwords, and the values the template's schema marks secret (docs/provider-apis.md §1.1).
@Suite("Dry-run redaction by secrecy")
struct DryRunSecrecyTests {
    static let env: JSONValue = [
        "GREETING": "hello-world", "DB_PASSWORD": "hunter2-db-pass", "DATABASE_URL": "postgres://app:pw-in-url-9@db:5432/x",
        "NOTE": "key=conf-secret-77",
    ]
    static let configuredSecret = "conf-secret-77"
    static let hidden = ["hunter2-db-pass", "pw-in-url-9", configuredSecret]
    static let shown = ["hello-world", "postgres://app:<redacted>@db:5432/x", "key=<redacted>"]

    /// The URL, headers and body text of every request, Modal's hex gRPC frames decoded.
    static func text(_ requests: [HTTPRequest]) -> String {
        requests.map { request in
            var body = String(decoding: request.body, as: UTF8.self)
            if request.headers["x-pushgate-dry-run-body"] == "hex" {
                let hex = Array(body.utf8)
                let bytes = stride(from: 0, to: hex.count - 1, by: 2).map { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)! }
                body = String(decoding: bytes, as: UTF8.self)
            }
            return "\(request.url)\n\(request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))\n\(body)"
        }.joined(separator: "\n")
    }

    static func check(_ requests: [HTTPRequest], runID: String, _ provider: String) {
        let all = text(requests)
        for secret in hidden { #expect(!all.contains(secret), "\(provider): \(secret) is shown") }
        for plain in shown + [runID] { #expect(all.contains(plain), "\(provider): \(plain) is not shown\n\(all)") }
    }

    @Test("ECS: secret env hidden, plain env and the run id shown")
    func ecs() async throws {
        var job = try ECSFixtures.job(["env": Self.env])
        job.secretValues = [Self.configuredSecret]
        let provider = ECSProvider(
            region: "us-east-1",
            credentials: StaticAWSCredentialProvider(AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalr-not-shown")),
            http: RecordingHTTPClient { _ in throw HTTPClientError(.connectFailed, "no network in this test") },
            clock: ManualClock()
        )
        let requests = try await provider.dryRun(job)
        Self.check(requests, runID: job.runID, "ECS")
        #expect(!Self.text(requests).contains("wJalr-not-shown"))
    }

    @Test("Cloud Run: secret env hidden, plain env and the run id shown")
    func cloudRun() async throws {
        var variables = try #require(CloudRunRequestBuildingTests.variables.objectValue)
        variables["env"] = Self.env
        var job = try BearerProviderTestSupport.job(template: "cloud-run-v2-push.json", variables: .object(variables))
        job.secretValues = [Self.configuredSecret]
        let requests = try await CloudRunRequestBuildingTests.provider().dryRun(job)
        Self.check(requests, runID: job.runID, "Cloud Run")
    }

    @Test("ACI: secureValue and the schema-marked subscription id hidden, plain env and the run id shown")
    func containerInstances() async throws {
        var variables = try #require(ContainerInstancesPureTests.variables.objectValue)
        variables["env"] = Self.env
        variables["subscription_id"] = .string(Self.configuredSecret)
        let job = try BearerProviderTestSupport.job(template: "azure-container-instance-push.json", variables: .object(variables))
        #expect(job.secretValues.contains(Self.configuredSecret), "the template marks subscription_id format: password")
        let provider = ContainerInstancesProvider(
            configuration: ContainerInstancesConfiguration(managementEndpoint: "https://arm.example.test"),
            tokens: FixedBearerTokens(),
            http: RecordingHTTPClient { _ in HTTPResponse(status: 500) },
            clock: ManualClock()
        )
        let requests = try await provider.dryRun(job)
        Self.check(requests, runID: job.runID, "ACI")
        #expect(requests.allSatisfy { $0.url.contains("/subscriptions/<redacted>/") })
    }

    @Test("Modal: secret env hidden in the env secret, plain env shown")
    func modal() async throws {
        var configuration = try #require(ModalSandboxSpecTests.full.objectValue)
        configuration["env"] = Self.env
        var job = ModalSandboxSpecTests.job(.object(configuration))
        job.secretValues = [Self.configuredSecret]
        let provider = ModalProvider(
            client: ModalGRPCClient(serverURL: "https://api.modal.com", credentials: ModalRequestTests.credentials, http: RecordingHTTPClientStub())
        )
        let requests = try await provider.dryRun(job)
        Self.check(requests, runID: "pg-run-1-1", "Modal")
    }

    @Test("Process: secret env and a configured secret in the command hidden, plain env and the run id shown")
    func process() async throws {
        var job = try ProcessProviderTests.job(["command": "sh -c 'echo conf-secret-77'", "env": Self.env])
        job.secretValues = [Self.configuredSecret]
        let steps = try await ProcessProviderTests().provider.dryRunSteps(job)
        guard case .command(let preview)? = steps.first else {
            Issue.record("a process dry run shows a command, got \(steps)")
            return
        }
        let all = (preview.arguments + preview.environment).joined(separator: "\n")
        for secret in Self.hidden { #expect(!all.contains(secret), "process: \(secret) is shown") }
        for plain in ["hello-world", "postgres://app:<redacted>@db:5432/x", job.runID] { #expect(all.contains(plain), "process: \(plain)\n\(all)") }
    }

    @Test("Docker: secret env hidden in the create body, plain env and the container name shown")
    func docker() async throws {
        var job = DockerSwaggerTests.job(["image": "busybox:1", "command": "sh -c 'echo conf-secret-77'", "env": Self.env])
        job.secretValues = [Self.configuredSecret]
        let provider = DockerProvider(
            configuration: DockerConfiguration(endpoint: DockerSwaggerTests.endpoint),
            http: RecordingHTTPClient { _ in HTTPResponse(status: 500) }
        )
        Self.check(try await provider.dryRun(job), runID: job.idempotencyKey, "Docker")
    }

    @Test("secret names: whole words of the name, not substrings")
    func secretNames() {
        for name in ["DB_PASSWORD", "password", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING", "TOKEN_FILE"] {
            #expect(SecretName.isSecret(name), "\(name)")
        }
        for name in ["GREETING", "PREFECT__FLOW_RUN_ID", "TOKENIZER_MODEL", "SECRETARY", "PATH"] { #expect(!SecretName.isSecret(name), "\(name)") }
    }
}
