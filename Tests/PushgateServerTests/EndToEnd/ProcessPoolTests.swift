import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProcess
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Issue 16's `process` pools through `pushgate serve`: real commands run by `pushgate exec-run`, their
    /// outcomes mapped to run states, cancel ending the whole process group, and output read back through
    /// `run logs` and `GET /flow_runs/{id}/logs` (docs/provider-apis.md §6).
    @Suite struct ProcessPoolTests {
        /// `sh -c SCRIPT` as a process pool's `command`.
        static func shell(_ script: String) -> JSONValue {
            ["command": .string("sh -c " + ShellQuoting.quote(script))]
        }

        static func attemptDirectory(_ h: EndToEndHarness, run: FlowRun) -> String {
            h.databasePath + ".data/process/attempts/" + run.submissionKey
        }

        /// The recorded command of an attempt, from its `started.json`.
        static func started(_ h: EndToEndHarness, run: FlowRun) throws -> ProcessStartRecord {
            let data = try Data(contentsOf: URL(fileURLWithPath: attemptDirectory(h, run: run) + "/started.json"))
            return try #require(ProcessStartRecord(json: try JSONValue.parse(data)))
        }

        func waitFor(_ h: EndToEndHarness, _ id: String, timeout: TimeInterval = 30, _ condition: (FlowRun) -> Bool) async throws -> FlowRun {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let run = try await h.store.run(id: id)
                if condition(run) || Date() > deadline { return run }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }

        @Test func completedFailedCrashedAndCancelledWithTheirLogs() async throws {
            let h = try await EndToEndHarness()
            defer { Task { await h.close() } }
            try await h.pool(
                "local",
                .process,
                deployments: [
                    ("ok", nil, Self.shell("echo line-from-$PREFECT__FLOW_RUN_ID; exit 0"), nil),
                    ("fail", nil, Self.shell("echo failing on stderr >&2; exit 3"), nil),
                    ("crash", nil, Self.shell("echo about to die; kill -KILL $$"), nil),
                    // Ignores SIGTERM, as does its background child: only the SIGKILL after the grace ends them.
                    ("hang", nil, Self.shell("trap '' TERM; sleep 300 & echo started; wait; sleep 300"), nil),
                ]
            )
            let ok = try await h.runs("ok", count: 1)[0]
            let fail = try await h.runs("fail", count: 1)[0]
            let crash = try await h.runs("crash", count: 1)[0]
            let hang = try await h.runs("hang", count: 1)[0]
            try h.startGateway(environment: ["PUSHGATE_PROCESS_KILL_GRACE": "1"])
            let base = try await h.apiBaseURL()
            let http = try CurlHTTPClient()

            let running = try await waitFor(h, hang) { $0.state == .running }
            #expect(running.state == .running)
            let group = try Self.started(h, run: running).command.pid
            #expect(!ProcTable.members(ofGroup: group).isEmpty, "the hanging command's group should be alive before the cancel")
            #expect(try await EndToEndHarness.call(http, "POST", "\(base)/flow_runs/\(hang)/cancel", token: h.token, "{}").0 == 200)

            #expect(try await h.waitForAllTerminal(timeout: 60))
            let states = try await [ok, fail, crash, hang].asyncMap { try await h.store.run(id: $0) }
            #expect(states[0].state == .completed, "\(states[0].stateReason)")
            #expect(states[1].state == .failed && states[1].stateReason.contains("exit code 3"), "\(states[1].stateReason)")
            #expect(states[2].state == .crashed && states[2].stateReason.contains("SIGKILL"), "\(states[2].stateReason)")
            #expect(states[3].state == .cancelled, "\(states[3].stateReason)")
            // Nothing of the cancelled command's process group is left.
            #expect(ProcTable.members(ofGroup: group).isEmpty, "processes of group \(group) survived the cancel")

            // The API's logs: the tail by default, and from an offset; same token rules as every route.
            let (status, body, text) = try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(ok)/logs", token: h.token)
            #expect(status == 200 && body["text"] == .string("line-from-\(ok)\n") && body["finished"] == true, "\(text)")
            let (_, failBody, _) = try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(fail)/logs?offset=8", token: h.token)
            #expect(failBody["text"] == "on stderr\n" && failBody["start"] == 8, "\(failBody)")
            #expect(try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(ok)/logs", token: nil).0 == 401)
            #expect(try await EndToEndHarness.call(http, "GET", "\(base)/flow_runs/\(ok)/logs?lines=x", token: h.token).0 == 422)
            #expect(try await EndToEndHarness.call(http, "POST", "\(base)/flow_runs/\(ok)/logs", token: h.token).0 == 405)

            // `pushgate run logs` reads the same output from the default data directory beside the database.
            let cli = try Self.pushgate(["--db", h.databasePath, "run", "logs", crash])
            #expect(cli.status == 0 && cli.stdout == "about to die\n", "\(cli)")
            let followed = try Self.pushgate(["--db", h.databasePath, "run", "logs", fail, "--follow"])
            #expect(followed.status == 0 && followed.stdout == "failing on stderr\n", "\(followed)")
            let unknown = try Self.pushgate(["--db", h.databasePath, "run", "logs", "no-such-run"])
            #expect(unknown.status == 1 && unknown.stderr.hasPrefix("pushgate run logs: "), "\(unknown)")
            #expect(h.gateway?.terminate() == 0)
        }

        /// A supervisor SIGKILLed while its command runs: the command lives on and is tracked by its recorded
        /// pid and start time, and once it ends the run is Crashed, since its exit status was never recorded.
        @Test func aVanishedSupervisorEndsTheRunCrashedOnceItsCommandIsGone() async throws {
            let h = try await EndToEndHarness()
            defer { Task { await h.close() } }
            try await h.pool("local", .process, deployments: [("slow", nil, Self.shell("sleep 2; exit 0"), nil)])
            let id = try await h.runs("slow", count: 1)[0]
            try h.startGateway()
            let running = try await waitFor(h, id) { $0.state == .running }
            let record = try Self.started(h, run: running)
            #expect(kill(record.supervisor.pid, SIGKILL) == 0)
            // Still running while the command runs, with the reason shown.
            try await Task.sleep(nanoseconds: 700_000_000)
            let orphaned = try await h.store.run(id: id)
            #expect(orphaned.state == .running, "\(orphaned.state): \(orphaned.stateReason)")
            #expect(ProcTable.startTime(record.command.pid) == record.command.startTime, "the command must outlive its supervisor")
            let ended = try await waitFor(h, id) { $0.state.isTerminal }
            #expect(ended.state == .crashed && ended.stateReason.contains("supervisor vanished"), "\(ended.state): \(ended.stateReason)")
            #expect(h.gateway?.terminate() == 0)
        }

        /// `run logs --follow` started while the command still writes: it prints each line as it comes and
        /// returns once the run has ended and its output is read to the end.
        @Test func followingPrintsOutputUntilTheRunEnds() async throws {
            let h = try await EndToEndHarness()
            defer { Task { await h.close() } }
            try await h.pool("local", .process, deployments: [("talk", nil, Self.shell("echo first; sleep 1.5; echo second; exit 0"), nil)])
            let id = try await h.runs("talk", count: 1)[0]
            try h.startGateway()
            let running = try await waitFor(h, id) { $0.state == .running }
            #expect(running.state == .running)
            let followed = try Self.pushgate(["--db", h.databasePath, "run", "logs", id, "--follow"])
            #expect(followed.status == 0 && followed.stdout == "first\nsecond\n", "\(followed)")
            #expect(try await waitFor(h, id) { $0.state.isTerminal }.state == .completed)
            #expect(h.gateway?.terminate() == 0)
        }

        /// Runs the built `pushgate` to its end.
        static func pushgate(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            guard let binary = GatewayProcess.binary() else { throw CocoaError(.fileNoSuchFile) }
            process.executableURL = binary
            process.arguments = arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
    }
}
