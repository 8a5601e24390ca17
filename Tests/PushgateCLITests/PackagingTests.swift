import Foundation
import PushgateTestSupport
import Testing

/// `packaging/`: the systemd unit passes `systemd-analyze verify`, and the Dockerfile builds from what the
/// repository holds with the same C libraries the install script installs.
@Suite struct PackagingTests {
    let root = Fixtures.repositoryRoot()

    @Test func theSystemdUnitVerifies() throws {
        let binary = try #require(GatewayProcess.binary(), "build the pushgate executable first (swift build)")
        let unit = try String(contentsOf: root.appendingPathComponent("packaging/pushgate.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/pushgate serve "))
        // systemd-analyze checks that ExecStart's binary exists: point it at the one just built.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("pushgate.service")
        try Data(unit.replacingOccurrences(of: "/usr/local/bin/pushgate", with: binary.path).utf8).write(to: copy)
        let (status, output) = try runChild("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(status == 0 && output.isEmpty, "\(output)")
        // The options it passes are ones serve knows.
        let execStart = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let options = execStart.split(separator: " ").filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) }
        let help = try runChild(binary.path, ["serve", "--help"]).1
        for option in options { #expect(help.contains("--\(option)"), "serve has no --\(option)") }
    }

    @Test func theDockerfileUsesTheRepositoryAndItsLibraries() throws {
        let dockerfile = try String(contentsOf: root.appendingPathComponent("packaging/Dockerfile"), encoding: .utf8)
        let install = try String(contentsOf: root.appendingPathComponent("scripts/install-deps.sh"), encoding: .utf8)
        // Every -dev library the install script installs is in the build stage.
        let devPackages = install.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0.hasSuffix("-dev") }.map(String.init)
        #expect(devPackages.count >= 5)
        for package in devPackages { #expect(dockerfile.contains(package), "\(package) missing from the build stage") }
        // The build copies the repository; .dockerignore keeps local builds and databases out.
        #expect(dockerfile.contains("COPY . ."))
        let ignore = try String(contentsOf: root.appendingPathComponent(".dockerignore"), encoding: .utf8).split(separator: "\n")
        for entry in [".build", "*.db", ".git"] { #expect(ignore.contains(Substring(entry)), "\(entry) not ignored") }
        // What the runtime stage copies exists in the repository or is the product built.
        #expect(dockerfile.contains("swift build -c release --product pushgate"))
        for line in dockerfile.split(separator: "\n") where line.hasPrefix("COPY --from=build /src/") {
            let source = line.split(separator: " ")[2].dropFirst("/src/".count)
            if !source.hasPrefix(".build/") {
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(String(source)).path), "\(source)")
            }
        }
        #expect(dockerfile.contains("USER pushgate") && dockerfile.contains(#"ENTRYPOINT ["/usr/local/bin/pushgate"]"#))
    }
}
