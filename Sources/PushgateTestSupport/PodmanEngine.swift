import Foundation
import Synchronization

/// A real Docker-compatible engine for tests: Debian's `podman system service` serving the Docker Engine API
/// on a unix socket in a temporary folder, with a private storage root, run root and `containers.conf`
/// (runc, cgroupfs, vfs storage, host network), so nothing of the machine's own podman setup is read or
/// changed (docs/build-notes.md §6). The image is imported from a busybox-static root filesystem the tests
/// make; nothing is pulled. ``stop()`` removes every container, ends the service and deletes the folder.
package final class PodmanEngine: Sendable {
    /// The local image every test container runs: `/bin/sh`, `echo`, `sleep`, `dd`… from busybox-static.
    package static let image = "localhost/pushgate-busybox:1"

    package let directory: URL
    private let process: Mutex<Process?>

    /// What rootful podman and runc create on the machine whatever their private roots: runc's state folder,
    /// the network state file and the `libpod_parent` cgroups (with one cgroup per container under it). Those that did not exist when the first engine
    /// of this process started are removed when the last one stops (folders only when empty), so the tests
    /// leave the machine as they found it.
    static let machinePaths: [String] =
        ["/run/runc", "/run/containers/networks/ipam.db", "/run/containers/networks", "/run/containers"]
        + ["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids", "systemd", "unified"].flatMap {
            ["/sys/fs/cgroup/\($0)/libpod_parent/conmon", "/sys/fs/cgroup/\($0)/libpod_parent"]
        }
    /// Live engines in this process, and the machine paths that existed before the first one started.
    static let machineState = Mutex<(engines: Int, existing: Set<String>)>((0, []))

    /// `unix://…/api.sock`, as `DOCKER_HOST` or a `[docker NAME]` profile's `host` names it.
    package var host: String { "unix://" + socketPath }
    package var socketPath: String { directory.appendingPathComponent("api.sock").path }

    /// A credentials-file section for this engine.
    package func credentialsProfile(_ name: String = "engine") -> String { "[docker \(name)]\nhost = \(host)\n\n" }

    /// True when podman, runc and busybox are installed.
    package static var isAvailable: Bool {
        ["/usr/bin/podman", "/usr/sbin/runc", "/bin/busybox"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True in CI (`CI=true`), where a missing engine fails the tests instead of skipping them.
    package static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// The configuration that works on these machines (cgroup v1 with a `unified` mount): crun refuses
    /// ("cgroups in hybrid mode not supported"), runc with the cgroupfs manager runs; the engine's default
    /// ulimits are dropped because raising RLIMIT_NPROC is not permitted in the VM.
    static let containersConf = """
        [containers]
        default_ulimits = []
        netns = "host"
        [engine]
        cgroup_manager = "cgroupfs"
        runtime = "runc"
        events_logger = "file"

        """

    /// Writes the configuration, imports the image, starts the service and waits until `/_ping` answers.
    package init(readyTimeout: TimeInterval = 30) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-podman-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Mutex(nil)
        Self.machineState.withLock { state in
            if state.engines == 0 { state.existing = Set(Self.machinePaths.filter { FileManager.default.fileExists(atPath: $0) }) }
            state.engines += 1
        }
        do {
            try Self.containersConf.write(to: directory.appendingPathComponent("containers.conf"), atomically: true, encoding: .utf8)
            try makeImage()
            let service = Process()
            service.executableURL = URL(fileURLWithPath: "/usr/bin/podman")
            service.arguments = podmanArguments(["system", "service", "--time=0", host])
            service.environment = environment
            // conmon writes its `oom` marker into its working folder (podman 4.3 then does not find it, so
            // OOMKilled stays false): keep that folder the engine's own, never the checkout.
            service.currentDirectoryURL = directory
            service.standardOutput = FileHandle.nullDevice
            service.standardError = try FileHandle(forWritingTo: touch("service.log"))
            service.standardInput = FileHandle.nullDevice
            try service.run()
            process.withLock { $0 = service }
            let deadline = Date().addingTimeInterval(readyTimeout)
            while !(try ping()) {
                guard service.isRunning, Date() < deadline else {
                    throw EngineError("podman system service did not answer on \(socketPath) within \(readyTimeout) s: \(serviceLog)")
                }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Removes every container (so no conmon or container process outlives the test), ends the service and
    /// deletes the folder. Safe to call more than once.
    package func stop() {
        let running = process.withLock { current -> Process? in
            defer { current = nil }
            return current
        }
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        _ = try? podman(["rm", "--all", "--force", "--time", "0"])
        running?.stop(grace: 5)
        try? FileManager.default.removeItem(at: directory)
        Self.machineState.withLock { state in
            state.engines -= 1
            guard state.engines == 0 else { return }
            for path in Self.machinePaths where !state.existing.contains(path) {
                if path.hasSuffix(".db") {
                    unlink(path)
                    continue
                }
                // A cgroup folder the tests' engines made also holds one empty cgroup per container they ran.
                if path.hasSuffix("/libpod_parent") {
                    for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where child.hasPrefix("libpod-") {
                        rmdir(path + "/" + child)
                    }
                }
                rmdir(path)
            }
        }
    }

    /// Runs `podman ARGS` against this engine's storage and returns its standard output.
    @discardableResult
    package func podman(_ arguments: [String]) throws -> String {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/podman")
        child.arguments = podmanArguments(arguments)
        child.environment = environment
        child.currentDirectoryURL = directory
        let output = Pipe()
        let errors = Pipe()
        child.standardOutput = output
        child.standardError = errors
        child.standardInput = FileHandle.nullDevice
        try child.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw EngineError(
                "podman \(arguments.joined(separator: " ")) exited \(child.terminationStatus): \(String(decoding: errorData, as: UTF8.self))"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    private var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CONTAINERS_CONF"] = directory.appendingPathComponent("containers.conf").path
        return env
    }

    private func podmanArguments(_ arguments: [String]) -> [String] {
        [
            "--root", directory.appendingPathComponent("root").path, "--runroot", directory.appendingPathComponent("run").path,
            "--storage-driver", "vfs", "--tmpdir", directory.appendingPathComponent("tmp").path,
            "--runtime-flag", "root=" + directory.appendingPathComponent("runc").path,
            "--network-config-dir", directory.appendingPathComponent("networks").path,
        ] + arguments
    }

    /// A root filesystem of busybox-static and its applet links, tarred and imported as ``image``.
    private func makeImage() throws {
        let rootfs = directory.appendingPathComponent("rootfs")
        let bin = rootfs.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: rootfs.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "echo", "sleep", "true", "false", "cat", "dd", "head", "ls", "env"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", rootfs.path, "-cf", directory.appendingPathComponent("rootfs.tar").path, "."]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw EngineError("tar of the busybox root filesystem failed") }
        try podman(["import", directory.appendingPathComponent("rootfs.tar").path, Self.image])
    }

    private func touch(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    private var serviceLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("service.log"), encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
    }

    /// Whether `GET /_ping` answers OK on the socket.
    private func ping() throws -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8CString)
        guard path.count <= MemoryLayout.size(ofValue: address.sun_path) else { throw EngineError("socket path too long: \(socketPath)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = UInt8(bitPattern: byte) }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
        guard connected else { return false }
        let request = "GET /_ping HTTP/1.0\r\nHost: localhost\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(fd, &buffer, buffer.count)
        return count > 0 && String(decoding: buffer[0..<count], as: UTF8.self).contains(" 200 ")
    }

    package struct EngineError: Error, CustomStringConvertible {
        package var code = "podman.engine"
        package var description: String
        init(_ description: String) { self.description = description }
    }
}
