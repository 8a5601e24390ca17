import Foundation
import PushgateCore
import PushgateProcess
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Issue 16's crash test for `process` pools: the gateway SIGKILLed 10 times while 200 commands run.
    /// Commands live on in their supervisors' sessions, restarted gateways adopt them by pid and start
    /// time or read their recorded outcome, and no attempt ever starts a second process.
    @Suite struct ProcessPoolCrashTests {
        @Test func sigkilledGatewayLosesNoOutcomeAndStartsNothingTwice() async throws {
            let h = try await EndToEndHarness()
            defer { Task { await h.close() } }
            let ledger = h.directory.appendingPathComponent("ledger.txt").path
            let marker = "pg-crash-marker-\(UUID().uuidString.prefix(8))"
            // Each command appends its run id to the ledger once, runs a while and exits with its code.
            let codes = [0, 1, 3, 7]
            try await h.pool(
                "local",
                .process,
                limit: 40,
                deployments: codes.map { code in
                    let script = "echo $PREFECT__FLOW_RUN_ID >> \(ledger); sleep 0.\(3 + code % 5); exit \(code)"
                    return (
                        "exit-\(code)", nil, ["command": .string("sh -c " + ShellQuoting.quote(script)), "env": ["MARKER": .string(marker)]], nil
                    )
                }
            )
            var expected: [String: Int] = [:]
            for code in codes {
                for id in try await h.runs("exit-\(code)", count: 50) { expected[id] = code }
            }
            #expect(expected.count == 200)

            var generator = SplitMix64(seed: 20_261_207)
            let started = Date()
            for _ in 0..<10 {
                try h.startGateway()
                // Each kill lands after this gateway submitted something, however slowly a loaded machine
                // starts it (a fixed delay from the start once killed gateways that had not submitted yet).
                _ = await h.gateway?.waitForOutput("\"msg\":\"submitted\"", timeout: 20)
                try await Task.sleep(nanoseconds: UInt64.random(in: 100_000_000...900_000_000, using: &generator))
                h.gateway?.kill()
            }
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 75), "runs still open after the last restart")
            #expect(Date().timeIntervalSince(started) < 90)
            #expect(h.gateway?.terminate() == 0)

            let runs = try await h.store.runs(FlowRunFilter(limit: 1_000))
            #expect(runs.count == 200)
            for run in runs {
                let code = try #require(expected[run.id])
                if code == 0 {
                    #expect(run.state == .completed, "\(run.id): \(run.state) \(run.stateReason)")
                } else {
                    #expect(run.state == .failed && run.stateReason.contains("exit code \(code)"), "\(run.id): \(run.state) \(run.stateReason)")
                }
                #expect(run.attempt == 1, "\(run.id) was attempted \(run.attempt) times")
            }
            // The kills landed while commands ran: some runs were submitted by one gateway and ended by another.
            var submittedBy: [String: Int] = [:]
            var endedBy: [String: Int] = [:]
            for index in 1...11 {
                let log = (try? String(contentsOf: h.directory.appendingPathComponent("serve-\(index).log"), encoding: .utf8)) ?? ""
                for line in log.split(separator: "\n") {
                    guard let id = expected.keys.first(where: { line.contains($0) }) else { continue }
                    if line.contains("\"msg\":\"submitted\"") { submittedBy[id] = index }
                    if line.contains("\"msg\":\"run completed\"") || line.contains("\"msg\":\"run failed\"") { endedBy[id] = index }
                }
            }
            let adopted = expected.keys.filter { submittedBy[$0] != nil && endedBy[$0] != nil && submittedBy[$0] != endedBy[$0] }
            #expect(adopted.count >= 5, "only \(adopted.count) runs were ended by a gateway other than the one that submitted them")
            // Exactly one process per attempt: each run id is in the ledger once.
            let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").map(String.init)
            var perRun: [String: Int] = [:]
            for line in lines { perRun[line, default: 0] += 1 }
            #expect(Set(perRun.keys) == Set(expected.keys))
            #expect(perRun.values.allSatisfy { $0 == 1 }, "runs started more than once: \(perRun.filter { $0.value > 1 })")
            // No orphan: neither a command (its environment carries the marker) nor a supervisor (its command
            // line names the harness's directory) is left.
            let orphans = ProcTable.pids(withCommandLineContaining: h.directory.path) + Self.pids(withEnvironmentContaining: marker)
            #expect(orphans.isEmpty, "processes left behind: \(orphans)")
        }

        static func pids(withEnvironmentContaining text: String) -> [Int32] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return names.compactMap(Int32.init).filter { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
                return String(decoding: data, as: UTF8.self).contains(text)
            }
        }
    }
}
