import Foundation
import PushgateCore
import PushgateStore
import PushgateTestSupport
import Testing

@testable import PushgateCLI

/// `pushgate demo` with a Docker-compatible engine at DOCKER_HOST (podman, ``PodmanEngine``) adds a docker
/// pool whose two runs really execute: one completes, one fails with exit code 1. With `CI=true` a missing
/// engine fails.
@Suite(.serialized, .enabled(if: PodmanEngine.isAvailable || PodmanEngine.isRequired))
struct DemoDockerPoolTests {
    @Test func theDemoRunsContainersOnTheEngine() async throws {
        try #require(PodmanEngine.isAvailable, "podman, runc and busybox-static are needed: scripts/install-deps.sh")
        let engine = try await PodmanEngine()
        defer { engine.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-demo-docker-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (context, output) = CommandContext.capturing(environment: [
            "DOCKER_HOST": engine.host, "PUSHGATE_TEMPLATES": Fixtures.repositoryRoot().appendingPathComponent("templates").path,
        ])
        let status = await PushgateCommand.main(
            ["--db", directory.appendingPathComponent("demo.db").path, "demo", "--timeout", "90"],
            context: context
        )
        #expect(status == .success, "\(output.stderr)")
        #expect(output.stdout.contains("docker: pool docker-demo on \(engine.host)"), "\(output.stdout.prefix(2000))")
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("(docker-hello/") && $0.contains("Completed") }, "\(output.stdout.suffix(3000))")
        #expect(lines.contains { $0.contains("(docker-exit-1/") && $0.contains("Failed") && $0.contains("exit code 1") })
        let left = try engine.podman(["ps", "--all", "--format", "{{.Names}}"])
        #expect(left.isEmpty, "containers left: \(left)")
    }

    @Test func withoutAnEngineTheDemoSaysWhyThereIsNoDockerPool() async throws {
        let (context, output) = CommandContext.capturing(environment: [
            "DOCKER_HOST": "unix:///tmp/pushgate-no-engine-\(UUID().uuidString.prefix(6)).sock"
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-demo-nodocker-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(path: directory.appendingPathComponent("d.db").path)
        let ids = await DemoDockerPool.create(
            in: store,
            credentialsPath: directory.appendingPathComponent("c.ini").path,
            templates: nil,
            directory: directory,
            context: context
        )
        await store.close()
        #expect(ids.isEmpty)
        #expect(output.stdout.contains("docker: no pool (no Docker-compatible engine answers at unix:///tmp/pushgate-no-engine-"))
    }
}
