import Foundation
import PushgateCore
import PushgateEmulators

/// The pools, queues, deployments and runs `pushgate demo` creates, and how it shows their progress.
enum DemoScenario {
    /// Creates everything and returns the run ids in creation order.
    static func create(in store: any Store, templates: URL?, context: CommandContext) async throws -> [String] {
        let now = Date()
        func template(_ kind: ProviderKind) throws -> String {
            guard let directory = templates,
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(kind.defaultTemplateFileName).path)
            else { throw UsageError("the shipped templates/ directory was not found (run from the repository, or set PUSHGATE_TEMPLATES)") }
            return String(decoding: data, as: UTF8.self)
        }
        func variables(_ kind: ProviderKind, _ extra: JSONValue) -> String {
            var merged = EmulatorSuite.deploymentVariables(for: kind).objectValue ?? [:]
            merged.merge(extra.objectValue ?? [:]) { _, new in new }
            return JSONValue.object(merged).serialized()
        }
        let profile = EmulatorSuite.profile
        _ = try await store.createPool(WorkPoolSpec(name: "ecs-demo", type: ProviderKind.ecs.rawValue, baseJobTemplate: try template(.ecs), concurrencyLimit: 4, credentialsProfile: profile), now: now)
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "critical", priority: 1, concurrencyLimit: 1), now: now)
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "high", priority: 5, concurrencyLimit: 3), now: now)
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "low", priority: 10), now: now)
        _ = try await store.createPool(WorkPoolSpec(name: "cloud-run-demo", type: ProviderKind.cloudRunV2.rawValue, baseJobTemplate: try template(.cloudRunV2), credentialsProfile: profile), now: now)
        _ = try await store.createPool(WorkPoolSpec(name: "aci-demo", type: ProviderKind.azureContainerInstance.rawValue, baseJobTemplate: try template(.azureContainerInstance), credentialsProfile: profile), now: now)
        let deployments: [(String, String, String?, ProviderKind, JSONValue)] = [
            ("hotfix", "ecs-demo", "critical", .ecs, ["image": "registry.example/hotfix:1"]),
            ("reports", "ecs-demo", "high", .ecs, ["image": "registry.example/reports:3", "cpu": 512, "memory": 1024]),
            ("nightly-etl", "ecs-demo", "low", .ecs, ["image": "registry.example/etl:7", "env": ["STAGE": "demo"]]),
            ("flaky-import", "ecs-demo", "low", .ecs, ["image": "registry.example/import-fail:2"]),
            ("train", "cloud-run-demo", nil, .cloudRunV2, ["image": "us-docker.pkg.dev/demo/jobs/train:1"]),
            ("batch", "aci-demo", nil, .azureContainerInstance, ["image": "registry.example/batch:1"]),
        ]
        for (name, pool, queue, kind, extra) in deployments {
            _ = try await store.createDeployment(DeploymentSpec(name: name, poolName: pool, queueName: queue, jobVariables: variables(kind, extra)), now: now)
        }
        var ids: [String] = []
        // Low-priority work first, so the waterfall is visible: critical and high still go first.
        for (deployment, count) in [("nightly-etl", 4), ("flaky-import", 1), ("reports", 3), ("hotfix", 2), ("train", 2), ("batch", 2)] {
            for _ in 0..<count {
                ids.append(try await store.createRun(FlowRunSpec(deploymentName: deployment, scheduledTime: now), now: now).run.id)
            }
        }
        // One run scheduled for later and cancelled before it is due.
        let later = try await store.createRun(FlowRunSpec(deploymentName: "nightly-etl", scheduledTime: now.addingTimeInterval(3_600)), now: now).run
        _ = try await store.requestCancel(runID: later.id, reason: "cancelled by the demo before it was due", now: now)
        ids.append(later.id)
        context.print("created 3 pools (ECS with queues critical/1 limit 1, high/5 limit 3, low/10; pool limit 4), 6 deployments and \(ids.count) runs")
        return ids
    }

    /// Prints each run's new state transitions as they happen; true when every run ended within `timeout`.
    static func watch(_ ids: [String], store: any Store, timeout: TimeInterval, context: CommandContext) async -> Bool {
        var seen: [String: Int] = [:]
        let start = Date()
        let names = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, "run \($0 + 1)") })
        while Date().timeIntervalSince(start) < timeout {
            var allDone = true
            for id in ids {
                guard let run = try? await store.run(id: id), let history = try? await store.history(runID: id) else { continue }
                for entry in history.dropFirst(seen[id] ?? 0) {
                    let from = entry.from.map { "\($0.displayName) → " } ?? ""
                    let elapsed = String(format: "%5.1fs", entry.at.timeIntervalSince(start))
                    let label = "\(names[id]!) (\(run.deploymentName)/\(run.queueName))".padding(toLength: 34, withPad: " ", startingAt: 0)
                    context.print("\(elapsed)  \(label)  \(from)\(entry.to.displayName): \(entry.reason)")
                }
                seen[id] = history.count
                if !run.state.isTerminal { allDone = false }
            }
            if allDone { return true }
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return false
    }

    static func summary(_ ids: [String], store: any Store, suite: EmulatorSuite, context: CommandContext) async {
        var counts: [String: Int] = [:]
        for id in ids { if let run = try? await store.run(id: id) { counts[run.state.displayName, default: 0] += 1 } }
        context.print("\nsummary: " + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", "))
        context.print("workloads the emulators saw: " + suite.workloads.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", "))
    }
}
