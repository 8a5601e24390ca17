import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateTestSupport
import Testing

extension EndToEnd {
    /// docs/design.md "Exactly once" under crashes, faults and load, with `pushgate serve` as a real process.
    @Suite struct GatewayCrashTests {
        /// Workloads the emulators started, per run id (ECS by clientToken, Cloud Run by execution, ACI by group).
        func workloadsPerRun(_ h: EndToEndHarness) -> [String: Int] {
            var counts: [String: Int] = [:]
            func runID(_ key: String) -> String? {
                // Keys are pg-<run id>-<attempt>.
                guard key.hasPrefix("pg-"), let dash = key.lastIndex(of: "-") else { return nil }
                return String(key[key.index(key.startIndex, offsetBy: 3)..<dash])
            }
            for (token, count) in h.suite.ecs.statistics.workloadsByClientToken { if let id = runID(token) { counts[id, default: 0] += count } }
            return counts
        }

        @Test func sigkillAtRandomMomentsLosesAndDoublesNothing() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.4))
            defer { Task { await h.close() } }
            try await h.pool(
                "ecs-a",
                .ecs,
                limit: 60,
                queues: [("critical", 1, 5), ("high", 5, 20), ("low", 10, nil)],
                deployments: [
                    ("a-critical", "critical", ["image": "registry.example/a:1"], nil),
                    ("a-high", "high", ["image": "registry.example/a:1"], nil),
                    ("a-low", "low", ["image": "registry.example/a:1"], nil),
                    ("a-fail", "low", ["image": "registry.example/a-fail:1"], nil),
                ]
            )
            try await h.pool("ecs-b", .ecs, deployments: [("b", nil, ["image": "registry.example/b:1"], 40)])
            try await h.pool("cr", .cloudRunV2, deployments: [("cr", nil, ["image": "us-docker.pkg.dev/p/r/j:1"], nil)])
            try await h.pool("aci", .azureContainerInstance, deployments: [("aci", nil, ["image": "registry.example/j:1"], nil)])
            var ids: [String: [String]] = [:]
            for (deployment, count) in [("a-critical", 150), ("a-high", 350), ("a-low", 500), ("a-fail", 100), ("b", 500), ("cr", 200), ("aci", 200)]
            {
                ids[deployment] = try await h.runs(deployment, count: count)
            }
            #expect(ids.values.map(\.count).reduce(0, +) == 2_000)

            var generator = SplitMix64(seed: 20_261_129)
            for _ in 0..<12 {
                try h.startGateway()
                try await Task.sleep(nanoseconds: UInt64.random(in: 300_000_000...1_500_000_000, using: &generator))
                h.gateway?.kill()
            }
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 240), "runs still open after the last restart")
            #expect(h.gateway?.terminate() == 0)

            let runs = try await h.store.runs(FlowRunFilter(limit: 10_000))
            #expect(runs.count == 2_000)
            let failing = Set(ids["a-fail"]!)
            for run in runs {
                #expect(
                    run.state == (failing.contains(run.id) ? .failed : .completed),
                    "\(run.id) \(run.deploymentName): \(run.state) \(run.stateReason)"
                )
            }
            // Exactly one workload per run at every provider.
            let ecsRuns = Set(["a-critical", "a-high", "a-low", "a-fail", "b"].flatMap { ids[$0]! })
            let perRun = workloadsPerRun(h)
            #expect(Set(perRun.keys) == ecsRuns)
            #expect(perRun.values.allSatisfy { $0 == 1 }, "some ECS run got more than one task")
            #expect(h.suite.ecs.statistics.runTaskWorkloads == ecsRuns.count)
            #expect(h.suite.cloudRun.statistics.workloads == 200)
            #expect(h.suite.cloudRun.statistics.jobsCreated == 200)
            #expect(h.suite.containerInstances.statistics.workloads == 200)
            #expect(h.suite.containerInstances.statistics.groupsUpdated == 0)
        }

        @Test func faultyProvidersStillEndEveryRunOnceAndPacingHolds() async throws {
            let faults = FaultConfiguration(
                seed: 7,
                serverErrorShare: 0.06,
                throttleShare: 0.06,
                retryAfterSeconds: 1,
                dropShare: 0.04,
                dropAfterProcessingShare: 0.04,
                delayShare: 0.04,
                delay: 0.3
            )
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.3), faults: faults)
            defer { Task { await h.close() } }
            try await h.pool("ecs", .ecs, deployments: [("e", nil, ["image": "registry.example/e:1"], nil)])
            try await h.pool("cr", .cloudRunV2, deployments: [("c", nil, ["image": "us-docker.pkg.dev/p/r/j:1"], nil)])
            try await h.pool("aci", .azureContainerInstance, deployments: [("a", nil, ["image": "registry.example/j:1"], nil)])
            let ecsIDs = try await h.runs("e", count: 200)
            try await h.runs("c", count: 60)
            try await h.runs("a", count: 60)
            // 25 submissions per second per provider, bursts of 25.
            try h.startGateway(extra: ["--rate", "25"])
            #expect(try await h.waitForAllTerminal(timeout: 240))
            let runs = try await h.store.runs(FlowRunFilter(limit: 1_000))
            #expect(
                runs.allSatisfy { $0.state == .completed },
                "\(runs.filter { $0.state != .completed }.prefix(3).map { "\($0.state) \($0.stateReason)" })"
            )
            let perRun = workloadsPerRun(h)
            #expect(Set(perRun.keys) == Set(ecsIDs) && perRun.values.allSatisfy { $0 == 1 })
            #expect(h.suite.cloudRun.statistics.workloads == 60, "\(h.suite.cloudRun.statistics)")
            #expect(h.suite.containerInstances.statistics.workloads == 60, "\(h.suite.containerInstances.statistics)")
            #expect(h.suite.ecs.statistics.faultsInjected > 10)

            // Retry-After: after a throttled RunTask, the same key is not tried again for a second.
            let attempts = h.suite.ecs.statistics.runTaskAttempts
            var throttledRetries = 0
            for (i, attempt) in attempts.enumerated()
            where attempt.fault?.contains("429") == true || attempt.fault?.lowercased().contains("throttl") == true {
                if let next = attempts[(i + 1)...].first(where: { $0.clientToken == attempt.clientToken }) {
                    throttledRetries += 1
                    #expect(next.at.timeIntervalSince(attempt.at) >= 0.95, "retried \(next.at.timeIntervalSince(attempt.at)) s after a 429")
                }
            }
            #expect(throttledRetries > 0)
            // Token bucket: in any window of T seconds, at most burst + rate·T RunTask calls (plus slack for
            // calls that were already under way).
            let times = attempts.map(\.at).sorted()
            for (i, start) in times.enumerated() {
                let inSecond = times[i...].prefix { $0.timeIntervalSince(start) < 1 }.count
                #expect(inSecond <= 25 + 25 + 5, "\(inSecond) RunTask calls within one second")
            }
        }

        @Test func limitsHoldUnderLoadAndTheWaterfallGoesByPriority() async throws {
            let h = try await EndToEndHarness(pacing: .timed(pending: 0.2, running: 0.5))
            defer { Task { await h.close() } }
            try await h.pool(
                "ecs",
                .ecs,
                limit: 6,
                queues: [("critical", 1, 1), ("high", 5, 3), ("low", 10, nil)],
                deployments: [
                    ("critical", "critical", ["image": "registry.example/c:1"], nil),
                    ("high", "high", ["image": "registry.example/h:1"], nil),
                    ("low", "low", ["image": "registry.example/l:1"], nil),
                    ("low-capped", "low", ["image": "registry.example/l:1"], 1),
                ]
            )
            for (deployment, count) in [("low", 40), ("low-capped", 10), ("high", 30), ("critical", 10)] {
                try await h.runs(deployment, count: count)
            }
            try h.startGateway()
            #expect(try await h.waitForAllTerminal(timeout: 180))
            #expect(h.gateway?.terminate() == 0)

            // In-flight intervals from the store's history: claimed until terminal.
            let runs = try await h.store.runs(FlowRunFilter(limit: 1_000))
            var intervals: [RunInterval] = []
            for run in runs {
                let history = try await h.store.history(runID: run.id)
                let start = try #require(history.first { $0.to == .pending }?.at)
                let end = try #require(history.last?.at)
                intervals.append(RunInterval(run: run, start: start, end: end))
            }
            #expect(intervals.maxOverlap() <= 6)
            #expect(intervals.filter { $0.run.queueName == "critical" }.maxOverlap() <= 1)
            #expect(intervals.filter { $0.run.queueName == "high" }.maxOverlap() <= 3)
            #expect(intervals.filter { $0.run.deploymentName == "low-capped" }.maxOverlap() <= 1)
            #expect(intervals.maxOverlap() == 6, "the pool limit was never reached: no load")

            // What the provider saw: tasks alive at once never exceed the pool limit.
            let started = h.suite.ecs.statistics.startedTasks.map(\.at).sorted()
            for (i, start) in started.enumerated() {
                let alive = started[..<i].filter { start.timeIntervalSince($0) < 0.65 }.count
                #expect(alive <= 6 + 1, "\(alive + 1) tasks started within one task lifetime")
            }

            // The first claim pass follows the waterfall: 1 critical, 3 high, then 2 of the low queue.
            let firstSix = intervals.sorted { $0.start < $1.start }.prefix(6).map(\.run.queueName)
            #expect(firstSix.filter { $0 == "critical" }.count == 1)
            #expect(firstSix.filter { $0 == "high" }.count == 3)
            #expect(firstSix.filter { $0 == "low" }.count == 2)
            // FIFO within each queue.
            for queue in ["critical", "high"] {
                let claimed = intervals.filter { $0.run.queueName == queue }.sorted { $0.start < $1.start }.map(\.run.scheduledTime)
                #expect(claimed == claimed.sorted())
            }
        }
    }
}
