import Foundation
import PushgateCore
import PushgateStore
import Synchronization
import Testing

@Suite struct ConcurrentClaimTests {
    /// Several connections (as several gateway processes would have) claim from one file at once while runs
    /// are created and completed; no run is claimed twice and no snapshot ever exceeds a limit.
    @Test func manyClaimersNeverDoubleClaimOrExceedLimits() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("shared.db")
        let setup = try await SQLiteStore.open(path: path)
        let now = Date()
        let template = StoreFixture.template
        _ = try await setup.createPool(WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: template, concurrencyLimit: 12), now: now)
        _ = try await setup.createQueue(pool: "p", WorkQueueSpec(name: "hi", priority: 1, concurrencyLimit: 4), now: now)
        _ = try await setup.createQueue(pool: "p", WorkQueueSpec(name: "lo", priority: 2, concurrencyLimit: 10), now: now)
        _ = try await setup.createDeployment(DeploymentSpec(name: "a", poolName: "p", queueName: "hi", concurrencyLimit: 3), now: now)
        _ = try await setup.createDeployment(DeploymentSpec(name: "b", poolName: "p", queueName: "lo"), now: now)
        _ = try await setup.createDeployment(DeploymentSpec(name: "c", poolName: "p", queueName: "lo", concurrencyLimit: 2), now: now)
        var specs: [FlowRunSpec] = []
        for i in 0..<300 {
            specs.append(FlowRunSpec(deploymentName: ["a", "b", "c"][i % 3], scheduledTime: now.addingTimeInterval(Double(-i))))
        }
        _ = try await setup.createRuns(specs, now: now)

        let stores = try await withThrowingTaskGroup(of: SQLiteStore.self) { group in
            for _ in 0..<4 { group.addTask { try await SQLiteStore.open(path: path, configuration: .init(busyTimeout: 30)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let log = ClaimLog()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                for worker in 0..<3 {
                    group.addTask {
                        let owner = "store\(index)-worker\(worker)"
                        var idle = 0
                        while idle < 20 {
                            let claimed = try await store.claim(pool: "p", owner: owner, limit: 3, leaseDuration: 60, now: Date())
                            log.claimedIDs.withLock { $0 += claimed.map(\.id) }
                            idle = claimed.isEmpty ? idle + 1 : 0
                            for run in claimed {
                                _ = try await store.markSubmitted(runID: run.id, owner: owner, providerHandle: "h-\(run.id)", now: Date())
                                _ = try await store.markRunning(runID: run.id, reason: "started", now: Date())
                                _ = try await store.markTerminal(runID: run.id, state: .completed, reason: "ok", now: Date())
                            }
                            try await Task.sleep(nanoseconds: 1_000_000)
                        }
                    }
                }
            }
            // A monitor reads consistent snapshots and checks the limits in each.
            group.addTask {
                let monitor = try await SQLiteStore.open(path: path, configuration: .init(busyTimeout: 30))
                while !log.done.load(ordering: .relaxed) {
                    let inFlight = try await monitor.runs(FlowRunFilter(states: [.pending, .running], limit: 10_000))
                    var problems: [String] = []
                    if inFlight.count > 12 { problems.append("pool \(inFlight.count) > 12") }
                    if inFlight.filter({ $0.queueName == "hi" }).count > 4 { problems.append("queue hi over 4") }
                    if inFlight.filter({ $0.queueName == "lo" }).count > 10 { problems.append("queue lo over 10") }
                    if inFlight.filter({ $0.deploymentName == "a" }).count > 3 { problems.append("deployment a over 3") }
                    if inFlight.filter({ $0.deploymentName == "c" }).count > 2 { problems.append("deployment c over 2") }
                    if !problems.isEmpty { log.violations.withLock { $0 += problems } }
                    try await Task.sleep(nanoseconds: 2_000_000)
                }
            }
            // Wait for the claimers (all tasks but the monitor), then stop the monitor.
            var finished = 0
            while finished < stores.count * 3 {
                try await group.next()
                finished += 1
            }
            log.done.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }

        let ids = log.claimedIDs.withLock { $0 }
        #expect(ids.count == 300)
        #expect(Set(ids).count == ids.count, "a run was claimed twice")
        #expect(log.violations.withLock { $0 }.isEmpty, "\(log.violations.withLock { $0 }.prefix(5))")
        let completed = try await setup.runs(FlowRunFilter(states: [.completed], limit: 10_000))
        #expect(completed.count == 300)
        for run in completed.prefix(20) {
            #expect(try await setup.history(runID: run.id).filter { $0.to == .pending && $0.from != .pending }.count == 1)
        }
    }
}

/// What the concurrent claimers and the monitor share.
final class ClaimLog: Sendable {
    let claimedIDs = Mutex<[String]>([])
    let violations = Mutex<[String]>([])
    let done = Atomic<Bool>(false)
}
