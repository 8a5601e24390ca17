import Foundation
import PushgateCore
import PushgateEmulators
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Issue 21, slow and hostile peers: a provider endpoint that takes connections and never answers holds up
    /// only the pool that points at it. The other pool's runs are submitted and finish meanwhile, the stuck
    /// runs stay claimed with no workload recorded (nothing lost), and `pushgate serve`'s memory, read from
    /// `/proc/PID/status`, stays bounded.
    @Suite struct HostileProviderTests {
        @Test func aProviderThatNeverAnswersHoldsUpOnlyItsOwnPool() async throws {
            let h = try await EndToEndHarness()
            defer { Task { await h.close() } }
            let silent = try SilentListener()
            defer { silent.close() }
            let ecs = h.suite.ecs.configuration
            let file = try #require(FileHandle(forWritingAtPath: h.suite.credentialsPath))
            try file.seekToEnd()
            try file.write(
                contentsOf: Data(
                    """

                    [aws silent]
                    access_key_id = \(ecs.accessKeyID)
                    secret_access_key = \(ecs.secretAccessKey)
                    region = \(ecs.region)
                    endpoint_url = http://127.0.0.1:\(silent.port)

                    """.utf8
                )
            )
            try file.close()
            try await h.pool("ecs", .ecs, deployments: [("etl", nil, ["image": "registry.example/etl:1"], nil)])
            var silentVariables = h.suite.deploymentVariables(for: .ecs).objectValue ?? [:]
            silentVariables["image"] = "registry.example/etl:1"
            _ = try await h.store.createPool(
                WorkPoolSpec(
                    name: "silent",
                    type: ProviderKind.ecs.rawValue,
                    baseJobTemplate: try EndToEndHarness.template(.ecs),
                    credentialsProfile: "silent"
                ),
                now: Date()
            )
            _ = try await h.store.createDeployment(
                DeploymentSpec(name: "silent-etl", poolName: "silent", jobVariables: JSONValue.object(silentVariables).serialized()),
                now: Date()
            )
            let stuck = try await h.runs("silent-etl", count: 60)
            let served = try await h.runs("etl", count: 40)
            try h.startGateway()
            let gateway = try #require(h.gateway)
            _ = try await h.apiBaseURL()

            var completed = 0
            var peakRSS = 0.0
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                completed = try await h.store.runs(FlowRunFilter(states: [.completed], poolName: "ecs", limit: 100)).count
                peakRSS = max(peakRSS, Self.residentMiB(gateway.pid))
                if completed == served.count { break }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            #expect(completed == served.count, "the answering pool's runs finished beside the silent one")
            #expect(h.suite.ecs.statistics.runTaskWorkloads == served.count, "only the answering pool reached ECS")
            var claimed = 0
            for id in stuck {
                let run = try await h.store.run(id: id)
                #expect(run.providerHandle == nil, "no workload recorded for \(id)")
                #expect(!run.state.isTerminal, "\(id) is kept while its provider is silent: \(run.state) \(run.stateReason)")
                if run.state == .pending { claimed += 1 }
            }
            #expect(claimed > 0, "the silent pool's runs were claimed and are waiting on their calls")
            #expect(gateway.isRunning)
            #expect(peakRSS > 0 && peakRSS < 256, "serve's RSS stayed bounded: \(peakRSS) MiB")
        }

        /// VmRSS of `pid` in MiB (0 when it cannot be read).
        static func residentMiB(_ pid: Int32) -> Double {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
            else { return 0 }
            return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
        }
    }
}
