import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateProviders
import PushgateStore
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// Several `pushgate serve` replicas on one PostgreSQL database (issue 7): the work is shared, a replica
    /// killed with SIGKILL and a database restart lose and double nothing, and no limit is ever exceeded.
    @Suite struct GatewayReplicaTests {
        static var enabled: Bool {
            ProcessInfo.processInfo.environment["PUSHGATE_TEST_POSTGRES_URL"] != nil || PostgresTestServer.isAvailable
                || PostgresTestServer.isRequired
        }

        /// A fresh database on the test cluster; its server, when it is this process's throwaway cluster.
        static func database() async throws -> (url: String, server: PostgresTestServer?) {
            let server: PostgresTestServer? =
                ProcessInfo.processInfo.environment["PUSHGATE_TEST_POSTGRES_URL"] == nil ? try PostgresTestServer.shared() : nil
            let base = ProcessInfo.processInfo.environment["PUSHGATE_TEST_POSTGRES_URL"] ?? server!.url()
            let name = "pushgate_replicas_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            _ = try await PostgresStore.execute("CREATE DATABASE \(name)", at: base)
            var components = try #require(URLComponents(string: base))
            components.path = "/" + name
            return (try #require(components.string), server)
        }

        @Test(.enabled(if: enabled, "needs PostgreSQL (Debian's postgresql package or PUSHGATE_TEST_POSTGRES_URL)"))
        func threeReplicasShareTheWorkThroughAKillAndADatabaseRestart() async throws {
            let (url, server) = try await Self.database()
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.4), database: url)
            defer { Task { await h.close() } }
            try await h.pool(
                "ecs",
                .ecs,
                limit: 40,
                queues: [("critical", 1, 4), ("high", 5, 12), ("low", 10, nil)],
                deployments: [
                    ("critical", "critical", ["image": "registry.example/c:1"], nil),
                    ("high", "high", ["image": "registry.example/h:1"], nil),
                    ("low", "low", ["image": "registry.example/l:1"], nil),
                    ("low-capped", "low", ["image": "registry.example/l:1"], 8),
                    ("low-fail", "low", ["image": "registry.example/l-fail:1"], nil),
                ]
            )
            try await h.pool("cr", .cloudRunV2, deployments: [("cr", nil, ["image": "us-docker.pkg.dev/p/r/j:1"], nil)])
            try await h.pool("aci", .azureContainerInstance, deployments: [("aci", nil, ["image": "registry.example/j:1"], nil)])
            var ids: [String: [String]] = [:]
            for (deployment, count) in [
                ("critical", 300), ("high", 800), ("low", 2_900), ("low-capped", 300), ("low-fail", 200), ("cr", 250), ("aci", 250),
            ] {
                ids[deployment] = try await h.runs(deployment, count: count)
            }
            #expect(ids.values.map(\.count).reduce(0, +) == 4_000 + 1_000)

            var replicas = try ["r1", "r2", "r3"].map { try h.startReplica($0, extra: ["--lease", "4"]) }
            func terminalCount() async throws -> Int {
                try await h.store.runs(FlowRunFilter(states: [.completed, .failed, .crashed, .cancelled], limit: 10_000)).count
            }
            // Midway, r2 dies without warning.
            var waited = 0
            while try await terminalCount() < 1_500 && waited < 600 {
                try await Task.sleep(nanoseconds: 200_000_000)
                waited += 1
            }
            replicas[1].kill()
            // Then the database restarts under the two survivors.
            if let server {
                while try await terminalCount() < 2_500 && waited < 1_200 {
                    try await Task.sleep(nanoseconds: 200_000_000)
                    waited += 1
                }
                try server.restart()
            }
            #expect(try await h.waitForAllTerminal(timeout: 400), "runs still open")

            // Metrics per replica: both survivors submitted work.
            try await withCurlHTTPClient { http in
                for replica in [replicas[0], replicas[2]] {
                    let base = try await h.apiBaseURL(of: replica)
                    let response = try await http.execute(
                        HTTPRequest(method: "GET", url: "\(base)/metrics", headers: ["Authorization": "Bearer \(h.token)"])
                    )
                    let text = String(decoding: response.body, as: UTF8.self)
                    let submitted = text.split(separator: "\n").filter { $0.hasPrefix("pushgate_submissions_total{") }
                        .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
                    #expect(submitted > 0, "a surviving replica submitted nothing")
                }
            }
            for replica in replicas where replica.isRunning { #expect(replica.terminate() == 0) }
            replicas.removeAll()

            // Every run ended as dictated, with exactly one workload each.
            let runs = try await h.store.runs(FlowRunFilter(limit: 10_000))
            #expect(runs.count == 5_000)
            let failing = Set(ids["low-fail"]!)
            let wrong = runs.filter { $0.state != (failing.contains($0.id) ? .failed : .completed) }
            #expect(wrong.isEmpty, "\(wrong.prefix(3).map { "\($0.deploymentName) \($0.state) \($0.stateReason)" })")
            var perRun: [String: Int] = [:]
            for (token, count) in h.suite.ecs.statistics.workloadsByClientToken where token.hasPrefix("pg-") {
                guard let dash = token.lastIndex(of: "-") else { continue }
                perRun[String(token[token.index(token.startIndex, offsetBy: 3)..<dash]), default: 0] += count
            }
            let ecsRuns = ["critical", "high", "low", "low-capped", "low-fail"].flatMap { ids[$0]! }
            #expect(perRun.count == ecsRuns.count && perRun.values.allSatisfy { $0 == 1 }, "ECS workloads per run are not all 1")
            #expect(h.suite.cloudRun.statistics.workloads == 250)
            #expect(h.suite.containerInstances.statistics.workloads == 250 && h.suite.containerInstances.statistics.groupsUpdated == 0)

            // The work was shared: each replica claimed runs.
            var claimsBy: [String: Int] = [:]
            for run in runs where run.poolName == "ecs" {
                for entry in try await h.store.history(runID: run.id) where entry.reason.hasPrefix("claimed by ") {
                    claimsBy[String(entry.reason.dropFirst(11)), default: 0] += 1
                }
            }
            #expect(["r1", "r2", "r3"].allSatisfy { (claimsBy[$0] ?? 0) > 0 }, "\(claimsBy)")

            // No limit exceeded at any moment, as the provider saw it: a task lives from RunTask for the
            // emulator's 0.6 s (the gateway holds its slot at least that long, until it sees the end).
            let byID = Dictionary(uniqueKeysWithValues: runs.map { ($0.id, $0) })
            var alive: [RunInterval] = []
            for task in h.suite.ecs.statistics.startedTasks {
                guard let token = task.clientToken, let dash = token.lastIndex(of: "-"),
                    let run = byID[String(token[token.index(token.startIndex, offsetBy: 3)..<dash])]
                else { continue }
                alive.append(RunInterval(run: run, start: task.at, end: task.at.addingTimeInterval(0.6)))
            }
            #expect(alive.count == ecsRuns.count)
            #expect(alive.maxOverlap() <= 40)
            #expect(alive.maxOverlap() >= 20, "the pool was never under load")
            #expect(alive.filter { $0.run.queueName == "critical" }.maxOverlap() <= 4)
            #expect(alive.filter { $0.run.queueName == "high" }.maxOverlap() <= 12)
            #expect(alive.filter { $0.run.deploymentName == "low-capped" }.maxOverlap() <= 8)
        }
    }
}
