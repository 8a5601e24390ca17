import Foundation
import PushgateCore
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// A `docker` pool through `pushgate serve` on a real engine (podman serving the Docker API, ``PodmanEngine``),
    /// with the gateway SIGKILLed while it submits: every run ends with its real outcome, each ran exactly once
    /// (its command appends its run id to a ledger on a bind-mounted folder), no container is left.
    /// With `CI=true` a missing engine fails.
    @Suite(.serialized, .enabled(if: PodmanEngine.isAvailable || PodmanEngine.isRequired))
    struct GatewayDockerTests {
        @Test func sigkillDuringSubmissionsRunsEachContainerOnceAndAdoptsTheRest() async throws {
            try #require(PodmanEngine.isAvailable, "podman, runc and busybox-static are needed: scripts/install-deps.sh")
            let engine = try await PodmanEngine()
            defer { engine.stop() }
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.4))
            defer { Task { await h.close() } }
            let ledger = h.directory.appendingPathComponent("ledger")
            try FileManager.default.createDirectory(at: ledger, withIntermediateDirectories: true)
            let credentials = try FileHandle(forWritingTo: URL(fileURLWithPath: h.suite.credentialsPath))
            credentials.seekToEndOfFile()
            credentials.write(Data(("\n" + engine.credentialsProfile("engine")).utf8))
            try credentials.close()

            _ = try await h.store.createPool(
                WorkPoolSpec(name: "docker", type: "docker", baseJobTemplate: try EndToEndHarness.template(.docker), credentialsProfile: "engine"),
                now: Date()
            )
            let common: [String: JSONValue] = [
                "image": .string(PodmanEngine.image), "image_pull_policy": "Never", "auto_remove": true,
                "volumes": [.string(ledger.path + ":/ledger")],
            ]
            for (name, command) in [
                ("ok", "sh -c 'echo $PUSHGATE_RUN_ID >> /ledger/runs; sleep 0.3'"),
                ("fail", "sh -c 'echo $PUSHGATE_RUN_ID >> /ledger/runs; exit 3'"),
            ] {
                var variables = common
                variables["command"] = .string(command)
                _ = try await h.store.createDeployment(
                    DeploymentSpec(name: name, poolName: "docker", jobVariables: JSONValue.object(variables).serialized()),
                    now: Date()
                )
            }
            let ok = try await h.runs("ok", count: 24)
            let failing = try await h.runs("fail", count: 8)

            try await h.startThroughKills(4, seed: 20_261_207)
            let settled = try await h.waitForAllTerminal(timeout: 40)
            if !settled, let stuck = try await h.store.runs(FlowRunFilter(states: [.pending], limit: 1)).first {
                print("stuck run \(stuck.id):\n" + h.allLogs.split(separator: "\n").filter { $0.contains(stuck.id) }.joined(separator: "\n"))
            }
            if !settled {
                let problems = h.allLogs.split(separator: "\n").filter { !$0.contains("\"level\":\"info\"") }
                print("gateway log (problems):\n" + problems.suffix(15).joined(separator: "\n"))
            }
            #expect(settled, "runs still open after the last restart")
            // Clean-ups are recorded with the terminal state and run by the poller afterwards (auto_remove).
            let cleanupDeadline = Date().addingTimeInterval(30)
            while try !engine.podman(["ps", "--all", "--format", "{{.Names}}"]).isEmpty, Date() < cleanupDeadline {
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            #expect(h.gateway?.terminate() == 0)

            let adoptions = h.allLogs.components(separatedBy: "adopted existing workload").count - 1
            print("docker end to end: \(adoptions) look-ups adopted a container a killed gateway had submitted")
            let runs = try await h.store.runs(FlowRunFilter(limit: 100))
            #expect(runs.count == ok.count + failing.count)
            for run in runs {
                if failing.contains(run.id) {
                    #expect(run.state == .failed, "\(run.id): \(run.state) \(run.stateReason)")
                    #expect(run.stateReason.contains("exit code 3"), "\(run.id): \(run.stateReason)")
                } else {
                    #expect(run.state == .completed, "\(run.id): \(run.state) \(run.stateReason)")
                }
            }
            let lines = try String(contentsOf: ledger.appendingPathComponent("runs"), encoding: .utf8).split(separator: "\n").map(String.init)
            var perRun: [String: Int] = [:]
            for line in lines { perRun[line, default: 0] += 1 }
            #expect(Set(perRun.keys) == Set(ok + failing))
            #expect(perRun.values.allSatisfy { $0 == 1 }, "a run's container ran more than once: \(perRun.filter { $0.value > 1 })")
            let left = try engine.podman(["ps", "--all", "--format", "{{.Names}}"])
            #expect(left.isEmpty, "containers left behind: \(left)")
        }
    }
}
