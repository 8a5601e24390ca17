import Foundation
import PushgateCore

/// The store the claim and page benchmarks measure against: one pool `bench` with a limited high-priority
/// queue and a low one, and `runs` runs, `due` of them due at ``base``, the rest scheduled over the next
/// days (so the backlog is large and mostly not due, as a month of schedules is).
enum BenchStore {
    static let base = Date(timeIntervalSince1970: 1_767_225_600)

    static func populate(_ store: any Store, runs: Int, due: Int) async throws {
        let template = #"{"job_configuration": {}, "variables": {"type": "object", "properties": {}}}"#
        _ = try await store.createPool(WorkPoolSpec(name: "bench", type: "ecs:push", baseJobTemplate: template), now: base)
        _ = try await store.createQueue(pool: "bench", WorkQueueSpec(name: "hi", priority: 1, concurrencyLimit: 50), now: base)
        _ = try await store.createQueue(pool: "bench", WorkQueueSpec(name: "lo", priority: 5), now: base)
        _ = try await store.createDeployment(DeploymentSpec(name: "d-hi", poolName: "bench", queueName: "hi"), now: base)
        _ = try await store.createDeployment(DeploymentSpec(name: "d-lo", poolName: "bench", queueName: "lo", concurrencyLimit: 500), now: base)
        // Bulk insert in chunks of 100k runs, one transaction each.
        var index = 0
        while index < runs {
            let count = min(100_000, runs - index)
            let specs = (index..<(index + count)).map { i -> FlowRunSpec in
                let scheduled = i < due ? base.addingTimeInterval(-Double(due - i)) : base.addingTimeInterval(3_600 + Double(i) * 0.25)
                return FlowRunSpec(deploymentName: i % 3 == 0 ? "d-hi" : "d-lo", scheduledTime: scheduled)
            }
            _ = try await store.createRuns(specs, now: base)
            index += count
        }
    }
}
