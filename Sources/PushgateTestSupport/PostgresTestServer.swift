import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster for tests (docs/build-notes.md §1): `initdb -A trust` into a temporary
/// directory, `pg_ctl start` on a free loopback port with its unix socket in that directory, durability
/// switched off for speed. As root, the server tools run as the `postgres` user (PostgreSQL refuses root).
/// ``shared()`` starts one cluster per test process and stops it when the process exits; a test that needs
/// its own (to restart it) makes one and calls ``stop()``.
package final class PostgresTestServer: Sendable {
    /// The cluster's directory (data in `data/`, the socket beside it, the log in `server.log`).
    package let directory: URL
    package let port: UInt16
    private let binDirectory: String
    private let stopped = Atomic<Bool>(false)

    /// Where `initdb` and `pg_ctl` are: `PG_BINDIR`, else `pg_config --bindir`, else Debian's
    /// `/usr/lib/postgresql/<version>/bin` (the newest present).
    package static let binDirectory: String? = {
        func hasTools(_ directory: String) -> Bool {
            FileManager.default.isExecutableFile(atPath: directory + "/initdb")
                && FileManager.default.isExecutableFile(atPath: directory + "/pg_ctl")
        }
        if let configured = ProcessInfo.processInfo.environment["PG_BINDIR"], hasTools(configured) { return configured }
        if let output = try? PostgresTestServer.capture("/usr/bin/env", ["pg_config", "--bindir"]) {
            let directory = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if hasTools(directory) { return directory }
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }.first(where: hasTools)
    }()

    /// True when a cluster can be started here.
    package static var isAvailable: Bool { binDirectory != nil }

    /// True in CI (`CI=true`), where a missing PostgreSQL must fail tests instead of skipping them.
    package static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// Creates and starts a cluster (blocking, about a second).
    package init() throws {
        guard let binDirectory = Self.binDirectory else {
            throw PostgresTestServerError(
                "PostgreSQL server tools (initdb, pg_ctl) not found: install Debian's postgresql package or set PG_BINDIR"
            )
        }
        self.binDirectory = binDirectory
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        do {
            if getuid() == 0 {
                guard let account = getpwnam("postgres") else { throw PostgresTestServerError("running as root but there is no 'postgres' user") }
                guard chown(directory.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                    throw PostgresTestServerError("chown \(directory.path) to postgres failed: errno \(errno)")
                }
            }
            try tool("initdb", ["-D", dataPath, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"])
            try start()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    deinit { stop() }

    /// A libpq URL for `database` over TCP on loopback, as user `postgres` (trust authentication).
    package func url(database: String = "postgres") -> String {
        "postgresql://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// `pg_ctl restart -m fast`: every connection is dropped; returns once the server accepts connections again.
    package func restart() throws {
        try tool("pg_ctl", ["-D", dataPath, "-m", "fast", "-w", "-t", "60", "-o", serverOptions, "-l", logPath, "restart"])
    }

    /// `pg_ctl stop -m fast`, keeping the data directory and port: clients see refused connections until
    /// ``startServer()`` brings the same cluster back (an outage, not just a restart).
    package func stopServer() throws {
        try tool("pg_ctl", ["-D", dataPath, "-m", "fast", "-w", "-t", "60", "stop"])
    }

    /// Starts the cluster stopped by ``stopServer()`` on the same port; returns once it accepts connections.
    package func startServer() throws {
        try start()
    }

    /// Stops the server (fast shutdown) and removes its directory. Safe to call more than once.
    package func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        Self.stopCluster(dataPath: dataPath, directory: directory.path)
    }

    // MARK: The shared cluster

    private static let sharedServer = Mutex<Result<PostgresTestServer, PostgresTestServerError>?>(nil)

    /// The cluster shared by this test process: started on first use and stopped when the process exits.
    package static func shared() throws -> PostgresTestServer {
        try sharedServer.withLock { current in
            if let current { return try current.get() }
            let result: Result<PostgresTestServer, PostgresTestServerError>
            do {
                result = .success(try PostgresTestServer())
                atexit { PostgresTestServer.stopSharedAtExit() }
            } catch let error as PostgresTestServerError {
                result = .failure(error)
            } catch {
                result = .failure(PostgresTestServerError("\(error)"))
            }
            current = result
            return try result.get()
        }
    }

    /// Runs at process exit; plain signals and polling only (no Foundation processes this late).
    private static func stopSharedAtExit() {
        let server = sharedServer.withLock { current -> PostgresTestServer? in try? current?.get() }
        guard let server, !server.stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        stopCluster(dataPath: server.dataPath, directory: server.directory.path)
    }

    /// SIGINT to the postmaster named in `postmaster.pid` (PostgreSQL's fast shutdown), a wait of up to 10 s
    /// for it to go (then SIGKILL), and removal of the directory.
    private static func stopCluster(dataPath: String, directory: String) {
        if let text = try? String(contentsOfFile: dataPath + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first, let pid = pid_t(line.trimmingCharacters(in: .whitespaces)), pid > 0
        {
            kill(pid, SIGINT)
            var waited = 0
            while kill(pid, 0) == 0 && waited < 1000 {
                usleep(10_000)
                waited += 1
            }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Helpers

    private var dataPath: String { directory.appendingPathComponent("data").path }
    private var logPath: String { directory.appendingPathComponent("server.log").path }

    private var serverOptions: String {
        "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off"
    }

    private func start() throws {
        try tool("pg_ctl", ["-D", dataPath, "-w", "-t", "60", "-o", serverOptions, "-l", logPath, "start"])
    }

    /// Runs a server tool (as `postgres` when root) and fails with its output when it fails. Spawned with
    /// `posix_spawn` and reaped with `waitpid`, not Foundation's `Process`: the server that `pg_ctl start`
    /// leaves running inherits what Foundation watches for the child's exit, and `waitUntilExit` never returns.
    private func tool(_ name: String, _ arguments: [String]) throws {
        let path = binDirectory + "/" + name
        // `env -C` runs it in the cluster's directory, which the postgres user can always read.
        let all =
            ["/usr/bin/env", "-C", directory.path] + (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [path]
            + arguments
        let outputPath = directory.appendingPathComponent("\(name).out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, all[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresTestServerError("cannot start \(all[0]): errno \(spawned)") }
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
        // Another reaper may have collected the child (ECHILD); the callers check the server's state anyway.
        let exitStatus = reaped == pid ? (status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)) : 0
        guard exitStatus == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)).map { "\nserver log:\n" + $0.suffix(2000) } ?? ""
            throw PostgresTestServerError("\(name) failed with status \(exitStatus): \(text)\(log)")
        }
    }

    private static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresTestServerError("\(arguments.first ?? executable) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}

package struct PostgresTestServerError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
