import Foundation
import PushgateCore
import PushgateEmulators
import PushgateProviders
import PushgateServer

/// The pools, queues, deployments and runs `pushgate demo` creates, and how it shows their progress.
enum DemoScenario {
    /// The ECS pool's deployments (name, queue, variables, runs): the priority waterfall, low-priority work
    /// first so that critical and high visibly go ahead of it.
    static let ecsDeployments: [(name: String, queue: String, extra: JSONValue, runs: Int)] = [
        ("nightly-etl", "low", ["image": "registry.example/etl:7", "env": ["STAGE": "demo"]], 4),
        ("flaky-import", "low", ["image": "registry.example/import-fail:2"], 1),
        ("reports", "high", ["image": "registry.example/reports:3", "cpu": 512, "memory": 1024], 3),
        ("hotfix", "critical", ["image": "registry.example/hotfix:1"], 2),
    ]
    static var ecsRuns: Int { ecsDeployments.map(\.runs).reduce(0, +) }
    /// Runs of each other emulated type's deployment.
    static let runsPerOtherType = 2
    /// The `process` pool's deployments: real commands on this machine, one that succeeds and one that fails,
    /// one run each (docs/provider-apis.md §6).
    static let processDeployments: [(name: String, script: String)] = [
        ("hello-process", "echo \"hello from $PREFECT__FLOW_RUN_ID in $(pwd)\"; exit 0"),
        ("failing-process", "echo 'this one fails on purpose' >&2; exit 1"),
    ]

    /// How many runs the demo creates with `emulatorCount` emulated types: the ECS waterfall, two per other
    /// type, and one cancelled before it is due (what `--help` says).
    static func runCount(emulatorCount: Int) -> Int {
        ecsRuns + runsPerOtherType * max(0, emulatorCount - 1) + processDeployments.count + 1
    }

    /// Creates everything and returns the run ids in creation order: an ECS pool whose three queues show
    /// the priority waterfall and limits, and one pool with a deployment for every other emulated type.
    static func create(in store: any Store, suite: EmulatorSuite, templates: URL?, context: CommandContext) async throws -> [String] {
        let now = Date()
        func template(_ kind: ProviderKind) throws -> String {
            guard let directory = templates,
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(kind.defaultTemplateFileName).path)
            else { throw UsageError("the shipped templates/ directory was not found (run from the repository, or set PUSHGATE_TEMPLATES)") }
            return String(decoding: data, as: UTF8.self)
        }
        func variables(_ kind: ProviderKind, _ extra: JSONValue) -> String {
            var merged = suite.deploymentVariables(for: kind).objectValue ?? [:]
            merged.merge(extra.objectValue ?? [:]) { _, new in new }
            return JSONValue.object(merged).serialized()
        }
        let profile = suite.profile(for: .ecs)
        _ = try await store.createPool(
            WorkPoolSpec(
                name: "ecs-demo",
                type: ProviderKind.ecs.rawValue,
                baseJobTemplate: try template(.ecs),
                concurrencyLimit: 4,
                credentialsProfile: profile
            ),
            now: now
        )
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "critical", priority: 1, concurrencyLimit: 1), now: now)
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "high", priority: 5, concurrencyLimit: 3), now: now)
        _ = try await store.createQueue(pool: "ecs-demo", WorkQueueSpec(name: "low", priority: 10), now: now)
        var deployments: [(name: String, pool: String, queue: String?, kind: ProviderKind, extra: JSONValue, runs: Int)] =
            ecsDeployments.map { ($0.name, "ecs-demo", $0.queue, .ecs, $0.extra, $0.runs) }
        for kind in suite.emulators.map(\.kind) where kind != .ecs {
            let pool = "\(kind.workerType)-demo"
            _ = try await store.createPool(
                WorkPoolSpec(name: pool, type: kind.rawValue, baseJobTemplate: try template(kind), credentialsProfile: suite.profile(for: kind)),
                now: now
            )
            deployments.append(
                ("\(kind.workerType)-job", pool, nil, kind, ["image": .string("registry.example/\(kind.workerType)-job:1")], runsPerOtherType)
            )
        }
        _ = try await store.createPool(
            WorkPoolSpec(name: "process-demo", type: ProviderKind.process.rawValue, baseJobTemplate: try template(.process)),
            now: now
        )
        for (name, script) in processDeployments {
            deployments.append((name, "process-demo", nil, .process, ["command": .string("sh -c " + ShellQuoting.quote(script))], 1))
        }
        for deployment in deployments {
            _ = try await store.createDeployment(
                DeploymentSpec(
                    name: deployment.name,
                    poolName: deployment.pool,
                    queueName: deployment.queue,
                    jobVariables: variables(deployment.kind, deployment.extra)
                ),
                now: now
            )
        }
        var ids: [String] = []
        // Low-priority work first, so the waterfall is visible: critical and high still go first.
        for deployment in deployments {
            for _ in 0..<deployment.runs {
                ids.append(try await store.createRun(FlowRunSpec(deploymentName: deployment.name, scheduledTime: now), now: now).run.id)
            }
        }
        // One run scheduled for later and cancelled before it is due.
        let later = try await store.createRun(FlowRunSpec(deploymentName: "nightly-etl", scheduledTime: now.addingTimeInterval(3_600)), now: now).run
        _ = try await store.requestCancel(runID: later.id, reason: "cancelled by the demo before it was due", now: now)
        ids.append(later.id)
        context.print(
            "created \(suite.emulators.count + 1) pools (ECS with queues critical/1 limit 1, high/5 limit 3, low/10; pool limit 4), "
                + "\(deployments.count) deployments and \(ids.count) runs"
        )
        return ids
    }

    /// Prints the runs' state transitions as they happen, in time order across runs, with the time since
    /// the first run was created; true when every run ended within `timeout`.
    static func watch(_ ids: [String], store: any Store, timeout: TimeInterval, context: CommandContext) async -> Bool {
        var seen: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(timeout)
        var start: Date?
        let names = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, "run \($0 + 1)") })
        while Date() < deadline {
            var allDone = true
            var lines: [(at: Date, order: Int, text: String)] = []
            for (order, id) in ids.enumerated() {
                guard let run = try? await store.run(id: id), let history = try? await store.history(runID: id) else { continue }
                start = start ?? history.first?.at
                let label = "\(names[id]!) (\(run.deploymentName)/\(run.queueName))".padding(toLength: 34, withPad: " ", startingAt: 0)
                for entry in history.dropFirst(seen[id] ?? 0) {
                    lines.append((entry.at, order, "\(label)  \(TableOutput.transition(entry))"))
                }
                seen[id] = history.count
                if !run.state.isTerminal { allDone = false }
            }
            for line in lines.sorted(by: { ($0.at, $0.order) < ($1.at, $1.order) }) {
                context.print(String(format: "%5.1fs", max(0, line.at.timeIntervalSince(start ?? line.at))) + "  " + line.text)
            }
            if allDone { return true }
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return false
    }

    /// The output of the demo's `process` runs, read as `pushgate run logs` reads it.
    static func processOutput(_ ids: [String], store: any Store, providers: any ProviderDirectory, context: CommandContext) async {
        for (index, id) in ids.enumerated() {
            guard let answer = try? await RunLogs.read(runID: id, query: ProviderLogQuery(), store: store, providers: providers, now: Date()),
                case .output(let run, let chunk) = answer
            else { continue }
            context.print("\noutput of run \(index + 1) (\(run.deploymentName), \(run.state.displayName)):")
            for line in chunk.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(chunk.text.hasSuffix("\n") ? 1 : 0) {
                context.print("  | " + line)
            }
        }
    }

    static func summary(_ ids: [String], store: any Store, suite: EmulatorSuite, context: CommandContext) async {
        var counts: [String: Int] = [:]
        for id in ids { if let run = try? await store.run(id: id) { counts[run.state.displayName, default: 0] += 1 } }
        context.print("\nsummary: " + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", "))
        context.print("workloads the emulators saw: " + suite.workloads.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", "))
    }
}
