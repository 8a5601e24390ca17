import Foundation
import Synchronization

/// A real Prefect server (PyPI `prefect`, the version `scripts/install-deps.sh` pins into `.venv-prefect/`):
/// `prefect server start` on SQLite on a free loopback port, with a temporary `PREFECT_HOME`, the UI and
/// analytics off. ``cli(_:)`` and ``python(_:arguments:)`` drive it with Prefect's own CLI and SDK.
/// Stopped by ``stop()`` or on deinit.
package final class PrefectServer: Sendable {
    package let port: UInt16
    package let home: URL
    /// `user:password` the server requires on every call (`PREFECT_SERVER_API_AUTH_STRING`), if any; the CLI,
    /// the SDK and ``get(_:)`` send it as `PREFECT_API_AUTH_STRING`.
    package let authString: String?
    private let process: Mutex<Process?>

    /// `http://127.0.0.1:<port>/api`, what `PREFECT_API_URL` holds.
    package var apiURL: String { "http://127.0.0.1:\(port)/api" }

    /// The virtual environment's `bin` folder (`PUSHGATE_PREFECT_VENV` overrides the repository's).
    package static var binDirectory: URL {
        if let venv = ProcessInfo.processInfo.environment["PUSHGATE_PREFECT_VENV"] { return URL(fileURLWithPath: venv).appendingPathComponent("bin") }
        return Fixtures.repositoryRoot().appendingPathComponent(".venv-prefect/bin")
    }

    /// True when the pinned Prefect can be run here.
    package static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binDirectory.appendingPathComponent("prefect").path) }

    /// True in CI (`CI=true`), where a missing Prefect fails the tests instead of skipping them.
    package static var isRequired: Bool { MotoServer.isRequired }

    /// The environment the CLI, the SDK and a gateway serving this server run with.
    package var environment: [String: String] {
        var environment = [
            "PREFECT_HOME": home.path, "PREFECT_API_URL": apiURL, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
            "PREFECT_API_DATABASE_CONNECTION_URL": "sqlite+aiosqlite:///\(home.path)/prefect.db",
            "PATH": PrefectServer.binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]
        if let authString { environment["PREFECT_API_AUTH_STRING"] = authString }
        return environment
    }

    /// Starts the server and waits for `/api/health` (about 13 s on these machines).
    package init(authString: String? = nil, readyTimeout: TimeInterval = 90) async throws {
        self.authString = authString
        port = try LoopbackPort.free()
        home = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-prefect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = PrefectServer.binDirectory.appendingPathComponent("prefect")
        process.arguments = ["server", "start", "--host", "127.0.0.1", "--port", String(port)]
        let logURL = home.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        self.process = Mutex(process)
        var serverEnvironment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let authString { serverEnvironment["PREFECT_SERVER_API_AUTH_STRING"] = authString }
        process.environment = serverEnvironment
        try process.run()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while await !healthy() {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw MotoServer.MotoServerError("prefect server did not answer on 127.0.0.1:\(port) within \(readyTimeout) s")
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    deinit { stop() }

    private func healthy() async -> Bool {
        guard MotoServer.accepts(port: port) else { return false }
        return (try? await get("/health"))?.trimmingCharacters(in: .whitespacesAndNewlines) == "true"
    }

    /// SIGTERM, SIGKILL after 5 s (the server may ignore SIGTERM while its services stop); then the home
    /// folder is removed. Safe to call twice.
    package func stop() {
        let running = process.withLock { current -> Process? in
            defer { current = nil }
            return current
        }
        guard let running else { return }
        running.stop(grace: 5)
        try? FileManager.default.removeItem(at: home)
    }

    /// The body of `GET <api>PATH`, read with Python's urllib (Foundation's URL loading is not linked here),
    /// with the auth string as basic auth when the server has one.
    package func get(_ path: String) async throws -> String {
        try await python(
            """
            import base64, os, sys, urllib.request
            request = urllib.request.Request(sys.argv[1])
            auth = os.environ.get("PREFECT_API_AUTH_STRING")
            if auth: request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
            sys.stdout.write(urllib.request.urlopen(request).read().decode())
            """,
            arguments: [apiURL + path]
        )
    }

    /// Runs the `prefect` CLI against this server and returns its standard output.
    @discardableResult
    package func cli(_ arguments: [String]) async throws -> String {
        try await run(PrefectServer.binDirectory.appendingPathComponent("prefect").path, arguments)
    }

    /// Runs a Python snippet with the SDK against this server and returns its standard output.
    @discardableResult
    package func python(_ script: String, arguments: [String] = []) async throws -> String {
        try await run(PrefectServer.binDirectory.appendingPathComponent("python").path, ["-c", script] + arguments)
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = home.appendingPathComponent("cli-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try await process.runUntilExit()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw MotoServer.MotoServerError(
                "\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) exited \(process.terminationStatus): \(text.suffix(800))"
            )
        }
        return text
    }
}
