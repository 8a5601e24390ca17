import Foundation
import PushgateCore
import PushgateServer
import PushgateStore

/// Retention at scale: a SQLite store holding `runs` finished runs (each through the whole lifecycle:
/// claimed, submitted, running, completed, cleaned up, four history rows) is pruned by ``Retention`` while
/// one-run claims go on in another pool; reports the store's bytes per finished run, the prune rate and the
/// claims' p99 with and without the prune beside them (issue goal: pruning does not stall claims).
enum PruneBenchmark {
    struct Result {
        var runs: Int
        var bytesPerRun: Double
        var prunedPerSecond: Double
        var claimP99Quiet: Double
        var claimP99Pruning: Double
        var claimsDuringPrune: Int
    }

    static func run(runs: Int) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-prune-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("prune.db").path
        let store = try await SQLiteStore.open(path: path)
        let base = BenchStore.base
        let template = #"{"job_configuration": {}, "variables": {"type": "object", "properties": {}}}"#
        for pool in ["old", "live"] {
            _ = try await store.createPool(WorkPoolSpec(name: pool, type: "ecs:push", baseJobTemplate: template), now: base)
            _ = try await store.createDeployment(DeploymentSpec(name: "d-\(pool)", poolName: pool), now: base)
        }
        try await finishRuns(store, pool: "old", deployment: "d-old", count: runs, base: base)
        let files = ["", "-wal"].map { (try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int) ?? 0 }
        let bytesPerRun = Double(files.reduce(0, +)) / Double(runs)

        let claims = 2_000
        _ = try await store.createRuns(
            (0..<(claims * 20)).map { i in FlowRunSpec(deploymentName: "d-live", scheduledTime: base.addingTimeInterval(-Double(i))) },
            now: base
        )
        let quiet = try await claimLatencies(store, count: claims, base: base)

        let retention = Retention(store: store, clock: SystemClock(), logger: Logger(level: .error, sink: { _ in }), configuration: .init(keep: 0))
        enum Outcome: Sendable {
            case pruned(Int, Double)
            case claimed([Double])
        }
        var pruned = 0
        var pruneSeconds = 0.0
        var during: [Double] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                let started = ContinuousClock.now
                let count = try await retention.prune(finishedBefore: base.addingTimeInterval(3_600))
                return .pruned(count, seconds(ContinuousClock.now - started))
            }
            // Claims go on beside the prune until it is done.
            group.addTask {
                var latencies: [Double] = []
                while !Task.isCancelled { latencies += try await claimLatencies(store, count: 10, base: base) }
                return .claimed(latencies)
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .pruned(let count, let elapsed):
                    (pruned, pruneSeconds) = (count, elapsed)
                    group.cancelAll()
                case .claimed(let latencies):
                    during = latencies
                }
            }
        }
        await store.close()
        return Result(
            runs: runs,
            bytesPerRun: bytesPerRun,
            prunedPerSecond: Double(pruned) / pruneSeconds,
            claimP99Quiet: p99(quiet),
            claimP99Pruning: p99(during),
            claimsDuringPrune: during.count
        )
    }

    /// `count` runs of `deployment` in `pool` taken through claim, submit, running, completed and clean-up,
    /// 64 at a time (so the store's group commit batches them, as it does under `serve`).
    static func finishRuns(_ store: SQLiteStore, pool: String, deployment: String, count: Int, base: Date) async throws {
        var made = 0
        while made < count {
            let chunk = min(10_000, count - made)
            _ = try await store.createRuns(
                (0..<chunk).map { _ in FlowRunSpec(deploymentName: deployment, scheduledTime: base.addingTimeInterval(-7_200)) },
                now: base
            )
            var claimed: [FlowRun] = []
            while claimed.count < chunk {
                let batch = try await store.claim(pool: pool, owner: "bench", limit: 1_000, leaseDuration: 600, now: base)
                if batch.isEmpty { break }
                claimed += batch
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, run) in claimed.enumerated() {
                    if index >= 64 { try await group.next() }
                    group.addTask {
                        _ = try await store.markSubmitted(
                            runID: run.id,
                            owner: "bench",
                            providerHandle: "arn:task/\(run.id)",
                            templateVersion: 1,
                            now: base
                        )
                        _ = try await store.markRunning(runID: run.id, reason: "RUNNING", now: base)
                        _ = try await store.markTerminal(runID: run.id, state: .completed, reason: "exit 0", now: base)
                        try await store.completeCleanup(runID: run.id)
                    }
                }
                try await group.waitForAll()
            }
            made += chunk
        }
    }

    private static func claimLatencies(_ store: SQLiteStore, count: Int, base: Date) async throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            let claimed = try await store.claim(pool: "live", owner: "bench", limit: 1, leaseDuration: 60, now: base)
            latencies.append(seconds(ContinuousClock.now - start) * 1000)
            if claimed.isEmpty { break }
        }
        return latencies
    }

    private static func p99(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
