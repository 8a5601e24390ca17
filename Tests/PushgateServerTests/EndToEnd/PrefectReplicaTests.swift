import Foundation
import PushgateCore
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Two `pushgate serve` replicas on one PostgreSQL store serve the same `process` pool of a real Prefect
    /// server while one of them is SIGKILLed again and again. The provider's ledger (a line the command
    /// writes before it execs `prefect flow-run execute`) shows every flow run started exactly once, and
    /// Prefect shows every one Completed: none is left Pending.
    @Suite(.serialized, .enabled(if: (PrefectServer.isAvailable && GatewayReplicaTests.enabled) || PrefectServer.isRequired))
    struct PrefectReplicaTests {
        @Test(.timeLimit(.minutes(8))) func everyFlowRunStartsOnceThroughRepeatedKills() async throws {
            let prefect = try await PrefectServer()
            defer { prefect.stop() }
            let (url, _) = try await GatewayReplicaTests.database()
            let h = try await EndToEndHarness(database: url)
            defer { Task { await h.close() } }
            let ledger = h.directory.appendingPathComponent("ledger.txt")
            let count = 8
            let command = "sh -c 'echo \"$PREFECT__FLOW_RUN_ID\" >> \(ledger.path) && exec prefect flow-run execute'"
            let pool = PrefectPoolSetup.Pool(
                prefectPool: "local",
                prefectType: "process",
                kind: .process,
                profile: nil,
                deployments: [.init(name: "ledgered", variables: ["command": .string(command)], runs: count)]
            )
            let ids = try #require(try await PrefectPoolSetup.create([pool], on: prefect)["ledgered"])
            #expect(ids.count == count)

            let extra = [
                "--prefect-api", prefect.apiURL, "--prefect-pool", pool.mapping, "--lease", "3",
                "--data-dir", h.directory.appendingPathComponent("data").path,
            ]
            let steady = try h.startReplica("steady", extra: extra, environment: prefect.environment)
            defer { steady.terminate() }
            var victim = try h.startReplica("victim", extra: extra, environment: prefect.environment)
            defer { victim.terminate() }
            for _ in 0..<4 {
                try await Task.sleep(nanoseconds: 2_500_000_000)
                victim.kill()
                victim = try h.startReplica("victim", extra: extra, environment: prefect.environment)
            }

            var states: [String: String] = [:]
            for id in ids {
                let run = try await PrefectPoolSetup.wait(for: id, prefect, timeout: 240) {
                    ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].contains($0["state"]?["type"]?.stringValue ?? "")
                }
                states[id] = run["state"]?["type"]?.stringValue
            }
            #expect(states.values.allSatisfy { $0 == "COMPLETED" }, "\(states) \(h.allLogs.suffix(3000))")
            let started = ((try? String(contentsOf: ledger, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            #expect(started.sorted() == ids.sorted(), "each flow run started once: \(started)")
        }
    }
}
