import Foundation
import PushgateCLI
import PushgateCore
import PushgateTestSupport
import Testing

/// `pushgate dry-run --type docker` with Prefect's docker template: the Engine API requests in order, the
/// socket they go over, and no registry password or secret env value in the output.
@Suite struct DockerDryRunCommandTests {
    @Test func theEngineRequestsAreShownWithSecretsRedacted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-docker-dry-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials.ini")
        try Data("[docker local]\nhost = unix:///run/test-docker.sock\nregistry_username = bot\nregistry_password = reg-pass-9137\n".utf8)
            .write(to: credentials)
        let template = Fixtures.repositoryRoot().appendingPathComponent("templates/docker.json").path
        let variables =
            #"{"image":"registry.example/flows:3","command":"python -m flows.etl","env":{"PREFECT_API_KEY":"pnu_dry_secret"},"mem_limit":"256m"}"#
        let (context, output) = CommandContext.capturing(environment: [:])
        let status = await PushgateCommand.main(
            [
                "dry-run", "--template", template, "--type", "docker", "--credentials", credentials.path, "--profile", "local",
                "--run-vars", variables, "--run-id", "8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f", "--json",
            ],
            context: context
        )
        #expect(status == .success, "\(output.stderr)")
        let requests = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
        let lines = requests.map { "\($0["method"] as? String ?? "") \($0["url"] as? String ?? "")" }
        #expect(
            lines == [
                "GET http://localhost/v1.41/images/registry.example%2Fflows%3A3/json",
                "POST http://localhost/v1.41/containers/create?name=pg-8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f-1",
                "POST http://localhost/v1.41/containers/pg-8d2f0c1e-6f1a-4c55-9b7e-2a1d3c4b5e6f-1/start",
            ]
        )
        #expect(requests.allSatisfy { $0["unixSocket"] as? String == "/run/test-docker.sock" })
        let create = try #require(requests[1]["body"] as? String)
        #expect(create.contains(#""Memory":268435456"#))
        #expect(create.contains("PREFECT_API_KEY=<redacted>"))
        #expect(!output.stdout.contains("pnu_dry_secret"))
        #expect(!output.stdout.contains("reg-pass-9137"))
        #expect(!output.stderr.contains("reg-pass-9137"))
    }
}
