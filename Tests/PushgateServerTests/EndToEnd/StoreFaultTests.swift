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
                func createRun() async throws -> (Int, JSONValue) {
                    let (status, body, _) = try await EndToEndHarness.call(
                        http,
                        "POST",
                        "\(base)/flow_runs",
                        token: h.token,
                        #"{"deployment": "etl"}"#
                    )
                    return (status, body)
                }
                var accepted: [String] = []
                for _ in 0..<3 {
                    let (status, body) = try await createRun()
                    #expect(status == 201)
                    accepted.append(try #require(body["id"]?.stringValue))
                }
                #expect(try await EndToEndHarness.call(http, "GET", "\(base)/health", token: nil).0 == 200)

                let holder = try Self.holdWriteLock(h.databasePath, seconds: 12, directory: h.directory)
                defer { holder.stop(grace: 1) }
                let (refusedStatus, refused) = try await createRun()
                #expect(refusedStatus == 503, "\(refused)")
                #expect(refused["error"]?.stringValue?.contains("locked") == true, "\(refused)")
                // Once one write has waited out the busy timeout, the next ones answer at once, and reads work.
                let second = Date()
                #expect(try await createRun().0 == 503)
                #expect(Date().timeIntervalSince(second) < 2, "a write waited \(Date().timeIntervalSince(second)) s for the lock again")
                #expect(try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs", token: h.token).0 == 200)
                let (healthStatus, health, _) = try await EndToEndHarness.call(http, "GET", "\(base)/health", token: nil)
                #expect(healthStatus == 503 && health["status"] == "unhealthy", "\(health)")
                #expect(health["store_error"]?.stringValue?.contains("locked") == true, "\(health)")

                // Released: writes work again, without a restart.
                while holder.isRunning { try await Task.sleep(nanoseconds: 100_000_000) }
                var recovered = false
                for _ in 0..<100 where !recovered {
                    recovered = try await EndToEndHarness.call(http, "GET", "\(base)/health", token: nil).0 == 200
                    if !recovered { try await Task.sleep(nanoseconds: 100_000_000) }
                }
                #expect(recovered, "/health did not recover")
                for _ in 0..<2 {
                    let (status, body) = try await createRun()
                    #expect(status == 201, "\(body)")
                    accepted.append(try #require(body["id"]?.stringValue))
                }
                #expect(try await h.waitForAllTerminal(timeout: 60))
                let runs = try await h.store.runs(FlowRunFilter(limit: 100))
                #expect(Set(runs.map(\.id)) == Set(accepted), "only the accepted runs exist")
                #expect(runs.allSatisfy { $0.state == .completed }, "\(runs.map { "\($0.state) \($0.stateReason)" })")
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
            var accepted: [String] = []
            try await withCurlHTTPClient { http in
                func createRun() async throws -> (Int, JSONValue) {
                    let (status, body, _) = try await EndToEndHarness.call(
                        http,
                        "POST",
                        "\(base)/flow_runs",
                        token: h.token,
                        #"{"deployment": "etl"}"#
                    )
                    if status == 201, let id = body["id"]?.stringValue { accepted.append(id) }
                    return (status, body)
                }
                func health() async throws -> (Int, JSONValue) {
                    let (status, body, _) = try await EndToEndHarness.call(http, "GET", "\(base)/health", token: nil)
                    return (status, body)
                }
                func expectUnavailable(_ words: [String]) async throws {
                    let (status, refused) = try await createRun()
                    let message = refused["error"]?.stringValue ?? ""
                    #expect(status == 503 && words.contains { message.contains($0) }, "\(status) \(refused)")
                    let (healthStatus, body) = try await health()
                    #expect(healthStatus == 503 && body["status"] == "unhealthy", "\(body)")
                }
                func expectRecovered() async throws {
                    var status = 0
                    for _ in 0..<100 where status != 200 {
                        status = try await health().0
                        if status != 200 { try await Task.sleep(nanoseconds: 100_000_000) }
                    }
                    #expect(status == 200, "/health did not recover")
                    #expect(try await createRun().0 == 201)
                }
                for _ in 0..<3 { #expect(try await createRun().0 == 201) }

                // Disk full: another file takes every free byte.
                let filler = mountPoint.appendingPathComponent("filler")
                Self.fill(filler)
                try await expectUnavailable(["full"])
                try FileManager.default.removeItem(at: filler)
                try await expectRecovered()

                #expect(try await h.waitForAllTerminal(timeout: 60))
                let runs = try await h.store.runs(FlowRunFilter(limit: 100))
                #expect(Set(runs.map(\.id)) == Set(accepted), "only the accepted runs exist")
                #expect(runs.allSatisfy { $0.state == .completed }, "\(runs.map { "\($0.state) \($0.stateReason)" })")
            }
            #expect(h.gateway?.terminate() == 0)
            await h.close()
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
