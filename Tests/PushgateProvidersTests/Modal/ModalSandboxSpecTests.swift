import Foundation
import PushgateCore
import Testing

@testable import PushgateProviders

@Suite("Modal job configuration")
struct ModalSandboxSpecTests {
    static func job(_ configuration: JSONValue, runID: String = "RUN-1") -> SubmissionJob {
        SubmissionJob(
            runID: runID,
            attempt: 1,
            poolName: "modal-pool",
            deploymentName: "dep",
            queueName: "default",
            configuration: configuration,
            now: Date(timeIntervalSince1970: 1_767_225_600)
        )
    }

    static let full: JSONValue = .object([
        "image": "python:3.12-slim", "command": "python -c 'print(42)'", "cpu": .double(0.5), "memory": .int(512),
        "gpu": "a10g:2", "timeout": .int(600), "secrets": .array(["db-creds"]), "app_name": "runs",
        "environment_name": "prod", "env": .object(["A": "1", "B": .null, "N": .int(3)]),
        "labels": .object(["team": "data"]), "name": "nightly", "pip_packages": .array(["pandas>=2"]),
    ])

    @Test("the shipped template's fields become the sandbox spec")
    func parsesEverything() throws {
        let parsed = ModalSandboxSpec.parse(Self.job(Self.full))
        #expect(parsed.problems.isEmpty)
        let spec = try #require(parsed.spec)
        #expect(spec.image == "python:3.12-slim")
        #expect(spec.command == ["python", "-c", "print(42)"])
        #expect(spec.milliCPU == 500)
        #expect(spec.memoryMB == 512)
        #expect(spec.gpu == ModalGPU(type: "A10G", count: 2))
        #expect(spec.timeoutSeconds == 600)
        #expect(spec.secretNames == ["db-creds"])
        #expect(spec.appName == "runs")
        #expect(spec.environmentName == "prod")
        #expect(spec.env == ["A": "1", "N": "3"])
        #expect(spec.tags == ["team": "data", "pushgate-name": "nightly", "pushgate-key": "pg-run-1-1", "pushgate-run": "RUN-1"])
        #expect(spec.sandboxName == "pg-run-1-1")
        #expect(spec.dockerfileCommands == ["FROM python:3.12-slim", "RUN python -m pip install 'pandas>=2'"])
    }

    @Test("an array command is taken word for word; defaults fill the rest")
    func arrayCommand() throws {
        let spec = try #require(ModalSandboxSpec.parse(Self.job(.object(["image": "alpine", "command": .array(["sh", "-c", "exit 3"])]))).spec)
        #expect(spec.command == ["sh", "-c", "exit 3"])
        #expect(spec.appName == "pushgate")
        #expect(spec.milliCPU == nil && spec.memoryMB == nil && spec.gpu == nil && spec.timeoutSeconds == nil)
    }

    @Test(
        "bad or missing fields are rejected, each problem naming its field",
        arguments: [
            (JSONValue.object(["command": "echo"]), "$.image"),
            (.object(["image": "", "command": "echo"]), "$.image"),
            (.object(["image": .int(3), "command": "echo"]), "$.image"),
            (.object(["image": "a"]), "$.command"),
            (.object(["image": "a", "command": "   "]), "$.command"),
            (.object(["image": "a", "command": "echo 'open"]), "$.command"),
            (.object(["image": "a", "command": .array(["echo", .int(1)])]), "$.command[1]"),
            (.object(["image": "a", "command": "x", "cpu": .int(0)]), "$.cpu"),
            (.object(["image": "a", "command": "x", "memory": .double(1.5)]), "$.memory"),
            (.object(["image": "a", "command": "x", "timeout": .int(100_000)]), "$.timeout"),
            (.object(["image": "a", "command": "x", "gpu": "A100:zero"]), "$.gpu"),
            (.object(["image": "a", "command": "x", "secrets": "one"]), "$.secrets"),
            (.object(["image": "a", "command": "x", "env": .object(["K": .array([])])]), "$.env.K"),
        ]
    )
    func problems(configuration: JSONValue, path: String) {
        let parsed = ModalSandboxSpec.parse(Self.job(configuration))
        #expect(parsed.spec == nil)
        #expect(parsed.problems.map { $0.path?.description } == [path])
        #expect(parsed.problems.first?.description.hasPrefix("modal:push job_configuration: \(path): ") == true)
    }

    @Test("validate names both missing fields and the provider refuses to submit")
    func validateAndSubmit() async {
        let provider = ModalProvider(
            client: ModalGRPCClient(
                serverURL: "http://127.0.0.1:9",
                credentials: ModalCredentials(tokenID: "ak", tokenSecret: SecretValue("as")),
                http: RecordingHTTPClientStub()
            )
        )
        let job = Self.job(.object(["cpu": .double(1)]))
        #expect(provider.validate(job).compactMap { $0.path?.description } == ["$.image", "$.command"])
        await #expect(throws: ProviderError.self) { try await provider.submit(job) }
    }

    @Test("sandbox names are valid Modal names, stable, and distinct for long keys")
    func sandboxNames() {
        #expect(ModalSandboxSpec.sandboxName(forKey: "pg-ABC_1.x-2") == "pg-abc_1.x-2")
        #expect(ModalSandboxSpec.sandboxName(forKey: "pg-a/b c-1") == "pg-a-b-c-1")
        let a = ModalSandboxSpec.sandboxName(forKey: "pg-" + String(repeating: "a", count: 80) + "-1")
        let b = ModalSandboxSpec.sandboxName(forKey: "pg-" + String(repeating: "a", count: 80) + "-2")
        #expect(a.count == 64 && b.count == 64 && a != b)
        #expect(a == ModalSandboxSpec.sandboxName(forKey: "pg-" + String(repeating: "a", count: 80) + "-1"))
    }

    @Test("GPU strings", arguments: [("T4", "T4", 1), ("h100:8", "H100", 8), ("A100-80GB:2", "A100-80GB", 2)])
    func gpus(text: String, type: String, count: Int) {
        #expect(ModalGPU(parsing: text) == ModalGPU(type: type, count: count))
    }
}

/// An HTTP client that fails every call: for tests that must not reach the network.
struct RecordingHTTPClientStub: HTTPClient {
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        Issue.record("unexpected request \(request.url)")
        throw HTTPClientError(.connectFailed, "no network in this test")
    }
}
