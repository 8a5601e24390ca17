import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders

/// The demo's `docker` pool, added when a Docker-compatible engine answers at `DOCKER_HOST` (or the default
/// socket): an image made from the machine's busybox and imported through the Engine API (nothing is pulled),
/// and two runs that really execute, one exiting 0 and one exiting 1.
enum DemoDockerPool {
    static let pool = "docker-demo"
    static let profile = "docker-demo"
    /// Podman's import ignores `tag` and names the image `REPO:latest`; Docker honours `tag`. `latest` suits both.
    static let image = "pushgate-demo-busybox:latest"
    static let busybox = "/bin/busybox"

    /// The pool, its profile (appended to the demo's credentials file) and its runs' ids; empty, with the reason
    /// printed, when no engine answers or there is no busybox to build the image from.
    static func create(in store: any Store, credentialsPath: String, templates: URL?, directory: URL, context: CommandContext) async -> [String] {
        let host = context.environment["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? DockerEndpoint.defaultHost
        do {
            guard FileManager.default.isExecutableFile(atPath: busybox) else {
                context.print("docker: no pool (\(busybox) is missing to build the demo image from)")
                return []
            }
            let endpoint = try DockerEndpoint.resolve(
                host: host,
                tlsVerify: DockerEndpoint.tlsVerify(environmentValue: context.environment["DOCKER_TLS_VERIFY"]),
                certPath: context.environment["DOCKER_CERT_PATH"],
                place: "DOCKER_HOST"
            )
            let requests = DockerRequests(configuration: DockerConfiguration(endpoint: endpoint))
            let http = try CurlHTTPClient(configuration: CurlHTTPClientConfiguration(connectTimeout: 2, timeout: 60))
            defer { http.shutdown() }
            guard (try? await http.execute(requests.ping()))?.status == 200 else {
                context.print("docker: no pool (no Docker-compatible engine answers at \(host))")
                return []
            }
            let reference = DockerImageReference(image)
            let imported = try await http.execute(
                requests.importImage(tarball: try rootFilesystem(in: directory), repository: reference.repository, tag: reference.tag)
            )
            guard imported.status == 200 else {
                context.print("docker: no pool (importing the demo image answered HTTP \(imported.status))")
                return []
            }
            let section = "\n[docker \(profile)]\nhost = \(host)\n"
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: credentialsPath))
            try file.seekToEnd()
            try file.write(contentsOf: Data(section.utf8))
            try file.close()
            guard let directory = templates,
                let template = FileManager.default.contents(
                    atPath: directory.appendingPathComponent(ProviderKind.docker.defaultTemplateFileName).path
                )
            else { throw UsageError("the shipped templates/docker.json was not found") }
            let now = Date()
            _ = try await store.createPool(
                WorkPoolSpec(
                    name: pool,
                    type: ProviderKind.docker.rawValue,
                    baseJobTemplate: String(decoding: template, as: UTF8.self),
                    credentialsProfile: profile
                ),
                now: now
            )
            var ids: [String] = []
            for (name, command) in [
                ("docker-hello", "sh -c 'echo hello from a container; sleep 1'"), ("docker-exit-1", "sh -c 'echo failing on purpose; exit 1'"),
            ] {
                let variables: JSONValue = [
                    "image": .string(image), "image_pull_policy": "Never", "auto_remove": true, "command": .string(command),
                ]
                _ = try await store.createDeployment(DeploymentSpec(name: name, poolName: pool, jobVariables: variables.serialized()), now: now)
                ids.append(try await store.createRun(FlowRunSpec(deploymentName: name, scheduledTime: now), now: now).run.id)
            }
            context.print("docker: pool \(pool) on \(host) with image \(image) and \(ids.count) runs")
            return ids
        } catch {
            context.print("docker: no pool (\(error))")
            return []
        }
    }

    /// A tarball of a root filesystem holding busybox and the applets the demo's commands use; the files it is
    /// made from are removed once it is read.
    static func rootFilesystem(in directory: URL) throws -> Data {
        let root = directory.appendingPathComponent("docker-rootfs")
        let tarball = directory.appendingPathComponent("docker-rootfs.tar")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: tarball)
        }
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: bin.appendingPathComponent("busybox"))
        try FileManager.default.copyItem(atPath: busybox, toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "echo", "sleep"] where !FileManager.default.fileExists(atPath: bin.appendingPathComponent(applet).path) {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", root.path, "-cf", tarball.path, "."]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw UsageError("tar of the demo image's root filesystem failed") }
        return try Data(contentsOf: tarball)
    }
}
