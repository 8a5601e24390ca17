import Foundation
import PushgateCore
import PushgateStore

/// Selecting the next 100 due runs of a pool with three prioritised queues with limits, pushgate's
/// SQLite store: a claim of 100 (atomic, durable: the runs move to Pending with a lease and history) and
/// a preview (read only, like Prefect's `get_scheduled_flow_runs`). The shape matches ``SelectPeer``:
/// queues q1 (priority 1, limit 30), q2 (2, limit 50), q3 (3, no limit), one deployment each, runs
/// spread round-robin over them; `due` runs are due (the last `due` seconds), the rest are scheduled
/// from an hour ahead.
enum SelectBenchmark {
    struct QueueShape {
        var name: String
        var priority: Int
        var limit: Int?
    }

    static let queues = [
        QueueShape(name: "q1", priority: 1, limit: 30), QueueShape(name: "q2", priority: 2, limit: 50),
        QueueShape(name: "q3", priority: 3, limit: nil),
    ]

    struct Result {
        var runs: Int
        /// Milliseconds per claim of 100 (each claim's runs are then completed, untimed, to free the slots).
        var claim: [Double]
        /// Milliseconds per preview.
        var preview: [Double]
        /// Runs per queue in the first claim.
        var split: [String: Int]
        var claimed: Int
    }

    static func measure(runs: Int, due: Int, rounds: Int, directory: URL) async throws -> Result {
        let path = directory.appendingPathComponent("select-\(runs).db").path
        let store = try await SQLiteStore.open(path: path)
        let now = Date()
        let template = #"{"job_configuration": {}, "variables": {"type": "object", "properties": {}}}"#
        _ = try await store.createPool(WorkPoolSpec(name: "bench", type: "ecs:push", baseJobTemplate: template), now: now)
        for queue in queues {
            _ = try await store.createQueue(
                pool: "bench",
                WorkQueueSpec(name: queue.name, priority: queue.priority, concurrencyLimit: queue.limit),
                now: now
            )
            _ = try await store.createDeployment(DeploymentSpec(name: "d-" + queue.name, poolName: "bench", queueName: queue.name), now: now)
        }
        var index = 0
        while index < runs {
            let count = min(100_000, runs - index)
            let specs = (index..<(index + count)).map { i -> FlowRunSpec in
                let scheduled = i < due ? now.addingTimeInterval(-Double(due - i)) : now.addingTimeInterval(3_600 + Double(i) * 0.25)
                return FlowRunSpec(deploymentName: "d-" + queues[i % queues.count].name, scheduledTime: scheduled)
            }
            _ = try await store.createRuns(specs, now: now)
            index += count
        }
        let at = Date()
        // Warm-up, untimed.
        _ = try await store.preview(pool: "bench", now: at, upcoming: 100)
        var previews: [Double] = []
        for _ in 0..<rounds {
            let start = monotonicSeconds()
            _ = try await store.preview(pool: "bench", now: at, upcoming: 100)
            previews.append((monotonicSeconds() - start) * 1000)
        }
        var claims: [Double] = []
        var split: [String: Int] = [:]
        var claimed = 0
        for round in 0..<rounds {
            let start = monotonicSeconds()
            let runs = try await store.claim(pool: "bench", owner: "bench", limit: 100, leaseDuration: 60, now: at)
            claims.append((monotonicSeconds() - start) * 1000)
            if round == 0 {
                claimed = runs.count
                for run in runs { split[run.queueName, default: 0] += 1 }
            }
            for run in runs { _ = try await store.markTerminal(runID: run.id, state: .completed, reason: "bench", now: at) }
        }
        await store.close()
        return Result(runs: runs, claim: claims, preview: previews, split: split, claimed: claimed)
    }

    static func run(sizes: [Int], due: Int = 2_000, rounds: Int = 15) async throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pushgate-select-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [Result] = []
        for size in sizes { results.append(try await measure(runs: size, due: due, rounds: rounds, directory: directory)) }
        return results
    }

    static func describe(_ split: [String: Int]) -> String {
        queues.map { "\($0.name) \(split[$0.name] ?? 0)" }.joined(separator: "/")
    }
}
