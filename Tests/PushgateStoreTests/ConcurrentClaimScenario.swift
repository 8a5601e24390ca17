import Foundation
import PushgateCore
import PushgateStore
import Synchronization
import Testing

/// The contention both stores must survive (docs/design.md "Exactly once"): a pool with pool, queue and deployment
/// limits and due runs; several stores on one database (SQLite connections to one file, or PostgreSQL
/// replicas) run three claimers each that claim, submit, run and complete until they stay idle, while a
/// monitor checks every limit on one consistent read after another.
enum ConcurrentClaimScenario {
    static let claimersPerStore = 3

    /// Pool `p` (limit 12), queues `hi` (priority 1, limit 4) and `lo` (2, limit 10), deployments `a` (on
    /// hi, limit 3), `b` and `c` (on lo, c limited to 2), and `runs` due runs spread over a, b, c.
    static func seed(_ store: any Store, runs: Int, now: Date) async throws {
        _ = try await store.createPool(
            WorkPoolSpec(name: "p", type: "ecs:push", baseJobTemplate: StoreFixture.template, concurrencyLimit: 12),
            now: now
        )
        _ = try await store.createQueue(pool: "p", WorkQueueSpec(name: "hi", priority: 1, concurrencyLimit: 4), now: now)
        _ = try await store.createQueue(pool: "p", WorkQueueSpec(name: "lo", priority: 2, concurrencyLimit: 10), now: now)
        _ = try await store.createDeployment(DeploymentSpec(name: "a", poolName: "p", queueName: "hi", concurrencyLimit: 3), now: now)
        _ = try await store.createDeployment(DeploymentSpec(name: "b", poolName: "p", queueName: "lo"), now: now)
        _ = try await store.createDeployment(DeploymentSpec(name: "c", poolName: "p", queueName: "lo", concurrencyLimit: 2), now: now)
        let specs = (0..<runs).map { i in
            FlowRunSpec(deploymentName: ["a", "b", "c"][i % 3], scheduledTime: now.addingTimeInterval(Double(-i)))
        }
        _ = try await store.createRuns(specs, now: now)
    }

    /// The limits of ``seed(_:runs:now:)`` checked on one consistent read of the in-flight runs.
    static func violations(_ store: any Store) async throws -> [String] {
        let inFlight = try await store.runs(FlowRunFilter(states: [.pending, .running], limit: 10_000))
        var problems: [String] = []
        if inFlight.count > 12 { problems.append("pool \(inFlight.count) > 12") }
        if inFlight.filter({ $0.queueName == "hi" }).count > 4 { problems.append("queue hi over 4") }
        if inFlight.filter({ $0.queueName == "lo" }).count > 10 { problems.append("queue lo over 10") }
        if inFlight.filter({ $0.deploymentName == "a" }).count > 3 { problems.append("deployment a over 3") }
        if inFlight.filter({ $0.deploymentName == "c" }).count > 2 { problems.append("deployment c over 2") }
        return problems
    }

    /// Runs ``claimersPerStore`` claimers on each of `stores` until each has found nothing 20 times in a
    /// row, with a monitor reading through `monitor` meanwhile; returns what they claimed and saw.
    static func run(claimers stores: [any Store], monitor: any Store) async throws -> ClaimLog {
        let log = ClaimLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                for worker in 0..<claimersPerStore {
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
            group.addTask {
                while !log.done.load(ordering: .relaxed) {
                    let problems = try await violations(monitor)
                    if !problems.isEmpty { log.violations.withLock { $0 += problems } }
                    try await Task.sleep(nanoseconds: 2_000_000)
                }
            }
            // Wait for the claimers (every task but the monitor), then stop the monitor.
            for _ in 0..<(stores.count * claimersPerStore) { try await group.next() }
            log.done.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        return log
    }

    /// Every one of `runs` runs claimed exactly once, no limit ever exceeded, all of them completed.
    static func expectEachRunClaimedOnce(_ log: ClaimLog, runs: Int, store: any Store) async throws {
        let ids = log.claimedIDs.withLock { $0 }
        #expect(ids.count == runs)
        #expect(Set(ids).count == ids.count, "a run was claimed twice")
        let violations = log.violations.withLock { $0 }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(try await store.runs(FlowRunFilter(states: [.completed], limit: 10_000)).count == runs)
    }
}

/// What the claimers of ``ConcurrentClaimScenario`` claimed and what its monitor saw.
final class ClaimLog: Sendable {
    let claimedIDs = Mutex<[String]>([])
    let violations = Mutex<[String]>([])
    let done = Atomic<Bool>(false)
}
