import Foundation
import PushgateCore
import PushgateHTTP
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// The gateway's own SQLite file failing under `pushgate serve` (issue 21): another process holds its
    /// write lock for longer than the busy timeout. While it lasts every write over the API answers 503 with
    /// the reason and stores nothing, and `/health` says unhealthy with the reason; once it is released the
    /// gateway carries on by itself: the runs accepted before and after all end Completed, none lost.
    @Suite struct StoreFaultTests {
        @Test(.timeLimit(.minutes(3))) func aWriteLockHeldByAnotherProcessAnswers503AndNothingIsLost() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 3))
            defer { Task { await h.close() } }
            try await h.pool("ecs", .ecs, deployments: [("etl", nil, ["image": "registry.example/etl:1"], nil)])
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                let api = StoreFaultProbe(http: http, base: base, token: h.token)
                for _ in 0..<3 { #expect(try await api.createRun().0 == 201) }
                #expect(try await api.health().0 == 200)

                let holder = try Self.holdWriteLock(h.databasePath, seconds: 12, directory: h.directory)
                defer { holder.stop(grace: 1) }
                try await api.expectUnavailable(["locked"])
                // Once one write has waited out the busy timeout, the next ones answer at once, and reads work.
                let second = Date()
                #expect(try await api.createRun().0 == 503)
                #expect(Date().timeIntervalSince(second) < 2, "a write waited \(Date().timeIntervalSince(second)) s for the lock again")
                #expect(try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs", token: h.token).0 == 200)

                // Released: writes work again, without a restart.
                while holder.isRunning { try await Task.sleep(nanoseconds: 100_000_000) }
                try await api.expectRecovered()
                try await api.expectEveryAcceptedRunCompleted(h)
            }
            #expect(h.gateway?.terminate() == 0)
        }

        /// The disk filling up under the gateway: its SQLite file on a 16 MiB tmpfs (mounted by the test, so it
        /// needs root: CI has it), filled to the last byte by another file. Writes answer 503 with SQLite's
        /// reason and `/health` says unhealthy; freeing the space brings the gateway back with nothing lost.
        /// (A read-only remount is refused while the gateway holds the file open for writing, so that fault
        /// is not staged here.)
        @Test(.enabled(if: Self.canMount || MotoServer.isRequired), .timeLimit(.minutes(3)))
        func aFullDiskAnswers503AndNothingIsLost() async throws {
            let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-tmpfs-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            try Self.command("/bin/mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.path)
            defer {
                _ = try? Self.command("/bin/umount", "-l", mountPoint.path)
                try? FileManager.default.removeItem(at: mountPoint)
            }
            let h = try await EndToEndHarness(
                pacing: .timed(pending: 0.3, running: 2),
                database: mountPoint.appendingPathComponent("gateway.db").path
            )
            try await h.pool("ecs", .ecs, deployments: [("etl", nil, ["image": "registry.example/etl:1"], nil)])
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                let api = StoreFaultProbe(http: http, base: base, token: h.token)
                for _ in 0..<3 { #expect(try await api.createRun().0 == 201) }
                // Disk full: another file takes every free byte.
                let filler = mountPoint.appendingPathComponent("filler")
                Self.fill(filler)
                try await api.expectUnavailable(["full"])
                try FileManager.default.removeItem(at: filler)
                try await api.expectRecovered()
                try await api.expectEveryAcceptedRunCompleted(h)
            }
            #expect(h.gateway?.terminate() == 0)
            await h.close()
        }

        /// The gateway's PostgreSQL server going away (fast shutdown, then nothing listening) under `pushgate
        /// serve`, on a cluster of the test's own: writes answer 503 with libpq's reason and `/health` is
        /// unhealthy; once the same cluster starts again the gateway uses it again, without a restart, and
        /// every accepted run ends Completed.
        @Test(
            .enabled(if: PostgresTestServer.isAvailable || PostgresTestServer.isRequired, "needs PostgreSQL's server tools"),
            .timeLimit(.minutes(3))
        )
        func aPostgresOutageAnswers503AndNothingIsLost() async throws {
            let server = try PostgresTestServer()
            defer { server.stop() }
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.3, running: 2), database: server.url())
            defer { Task { await h.close() } }
            try await h.pool("ecs", .ecs, deployments: [("etl", nil, ["image": "registry.example/etl:1"], nil)])
            try h.startGateway()
            let base = try await h.apiBaseURL()
            try await withCurlHTTPClient { http in
                let api = StoreFaultProbe(http: http, base: base, token: h.token)
                for _ in 0..<3 { #expect(try await api.createRun().0 == 201) }
                #expect(try await api.health().0 == 200)

                try server.stopServer()
                try await api.expectUnavailable(["cannot connect", "terminating connection", "server closed the connection"])
                try server.startServer()
                try await api.expectRecovered()
                try await api.expectEveryAcceptedRunCompleted(h)
            }
            #expect(h.gateway?.terminate() == 0)
        }

        struct CommandFailure: Error, CustomStringConvertible { var description: String }

        static var canMount: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

        /// Runs a system command; throws with its exit status when it fails.
        static func command(_ executable: String, _ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CommandFailure(description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
            }
        }

        /// Writes `url` until its file system has no byte left.
        static func fill(_ url: URL) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            guard let handle = try? FileHandle(forWritingTo: url) else { return }
            defer { try? handle.close() }
            let chunk = Data(count: 64 * 1024)
            for size in [chunk, Data(count: 4096), Data(count: 1)] {
                while (try? handle.write(contentsOf: size)) != nil {}
            }
        }

        /// A python3 `sqlite3` connection that takes the write lock (`BEGIN IMMEDIATE`), holds it for
        /// `seconds` and rolls back; returns once the lock is held.
        static func holdWriteLock(_ path: String, seconds: Double, directory: URL) throws -> Process {
            let ready = directory.appendingPathComponent("lock-held")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                """
                import sqlite3, sys, time
                db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                open(sys.argv[3], "w").close()
                time.sleep(float(sys.argv[2]))
                db.execute("ROLLBACK")
                """,
                path, String(seconds), ready.path,
            ]
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: ready.path) && process.isRunning && Date() < deadline { usleep(20_000) }
            return process
        }
    }
}

/// The API calls the store fault tests make, remembering every run the gateway accepted.
final class StoreFaultProbe {
    let http: CurlHTTPClient
    let base: String
    let token: String
    private(set) var accepted: [String] = []

    init(http: CurlHTTPClient, base: String, token: String) {
        self.http = http
        self.base = base
        self.token = token
    }

    func createRun() async throws -> (Int, JSONValue) {
        let (status, body, _) = try await EndToEndHarness.call(http, "POST", "\(base)/flow_runs", token: token, #"{"deployment": "etl"}"#)
        if status == 201, let id = body["id"]?.stringValue { accepted.append(id) }
        return (status, body)
    }

    func health() async throws -> (Int, JSONValue) {
        let (status, body, _) = try await EndToEndHarness.call(http, "GET", "\(base)/health", token: nil)
        return (status, body)
    }

    /// A write answers 503 naming one of `words`, and `/health` is unhealthy with the store's reason.
    func expectUnavailable(_ words: [String]) async throws {
        let (status, refused) = try await createRun()
        let message = refused["error"]?.stringValue ?? ""
        #expect(status == 503 && words.contains { message.contains($0) }, "\(status) \(refused)")
        let (healthStatus, body) = try await health()
        let reason = body["store_error"]?.stringValue ?? ""
        #expect(healthStatus == 503 && body["status"] == "unhealthy" && words.contains { reason.contains($0) }, "\(body)")
    }

    /// `/health` turns 200 within 10 s, and a write is accepted again.
    func expectRecovered() async throws {
        var status = 0
        for _ in 0..<100 where status != 200 {
            status = try await health().0
            if status != 200 { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        #expect(status == 200, "/health did not recover")
        #expect(try await createRun().0 == 201)
    }

    /// The store holds exactly the accepted runs, every one Completed: none lost, none half-stored.
    func expectEveryAcceptedRunCompleted(_ h: EndToEndHarness) async throws {
        #expect(try await h.waitForAllTerminal(timeout: 60))
        let runs = try await h.store.runs(FlowRunFilter(limit: 100))
        #expect(Set(runs.map(\.id)) == Set(accepted), "only the accepted runs exist")
        #expect(runs.allSatisfy { $0.state == .completed }, "\(runs.map { "\($0.state) \($0.stateReason)" })")
    }
}
