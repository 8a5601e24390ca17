import Foundation
import PushgateCore
import Testing

/// A deliberately simple model of the policy, independent of ``SelectionPolicy``: repeatedly take the
/// eligible run with the smallest (queue priority, scheduled time, id) until none is left or the limit is hit.
enum ReferenceModel {
    static func expectedClaims(
        pool: WorkPool,
        queues: [WorkQueue],
        deployments: [Deployment],
        runs: [FlowRun],
        now: Date,
        limit: Int
    )
        -> [String]
    {
        if pool.isPaused { return [] }
        let queueByID = Dictionary(uniqueKeysWithValues: queues.map { ($0.id, $0) })
        let deploymentByID = Dictionary(uniqueKeysWithValues: deployments.map { ($0.id, $0) })
        var inFlight = runs.filter { $0.state.isInFlight }
        var picked: [String] = []
        var taken = Set<String>()
        while picked.count < limit {
            let eligible = runs.filter { run in
                guard run.state.isSchedulable, !taken.contains(run.id), run.scheduledTime <= now,
                    let queue = queueByID[run.queueID], !queue.isPaused
                else { return false }
                if let limit = pool.concurrencyLimit, inFlight.count >= limit { return false }
                if let limit = queue.concurrencyLimit, inFlight.filter({ $0.queueID == queue.id }).count >= limit { return false }
                if let limit = deploymentByID[run.deploymentID]?.concurrencyLimit,
                    inFlight.filter({ $0.deploymentID == run.deploymentID }).count >= limit
                {
                    return false
                }
                return true
            }
            guard
                let next = eligible.min(by: { a, b in
                    let pa = queueByID[a.queueID]!.priority
                    let pb = queueByID[b.queueID]!.priority
                    return (pa, a.scheduledTime, a.id) < (pb, b.scheduledTime, b.id)
                })
            else { break }
            picked.append(next.id)
            taken.insert(next.id)
            var claimed = next
            claimed.state = .pending
            inFlight.append(claimed)
        }
        return picked
    }
}

@Suite struct ClaimPropertyTests {
    /// Random pools, queues, limits and schedules; every claim must equal the reference model's choice and
    /// no limit may ever be exceeded.
    @Test(arguments: StoreBackend.allCases)
    func claimsMatchTheReferenceModel(_ backend: StoreBackend) async throws {
        for seed in UInt64(1)...30 {
            var rng = SplitMix64(seed: seed)
            let f = try await StoreFixture(backend)
            let poolLimit: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 0...6, using: &rng)
            try await f.pool("p", limit: poolLimit)
            var queueNames = ["default"]
            for i in 0..<Int.random(in: 1...4, using: &rng) {
                let limit: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 0...3, using: &rng)
                try await f.queue("p", "q\(i)", priority: Int.random(in: 1...5, using: &rng), limit: limit)
                queueNames.append("q\(i)")
            }
            var deploymentNames: [String] = []
            for i in 0..<Int.random(in: 1...4, using: &rng) {
                let limit: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 0...3, using: &rng)
                try await f.deployment("d\(i)", pool: "p", queue: queueNames.randomElement(using: &rng), limit: limit)
                deploymentNames.append("d\(i)")
            }
            for _ in 0..<Int.random(in: 5...40, using: &rng) {
                try await f.run(deploymentNames.randomElement(using: &rng)!, at: Double(Int.random(in: -100...60, using: &rng)))
            }
            for step in 0..<25 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0...4:
                    let limit = Int.random(in: 1...5, using: &rng)
                    let before = try await snapshot(f)
                    let expected = ReferenceModel.expectedClaims(
                        pool: before.pool,
                        queues: before.queues,
                        deployments: before.deployments,
                        runs: before.runs,
                        now: f.now,
                        limit: limit
                    )
                    let claimed = try await f.claim("p", limit: limit)
                    #expect(claimed.map(\.id) == expected, "seed \(seed) step \(step)")
                    try await checkLimits(f, seed: seed)
                case 5, 6:
                    let inFlight = try await f.store.runs(FlowRunFilter(states: [.pending, .running]))
                    if let run = inFlight.randomElement(using: &rng) { try await f.complete(run.id) }
                case 7:
                    f.clock.advance(by: Double(Int.random(in: 1...30, using: &rng)))
                case 8:
                    try await f.run(deploymentNames.randomElement(using: &rng)!, at: Double(Int.random(in: -10...30, using: &rng)))
                default:
                    let queue = queueNames.randomElement(using: &rng)!
                    let paused = try await f.store.queue(pool: "p", named: queue).isPaused
                    _ = try await f.store.updateQueue(pool: "p", named: queue, WorkQueueUpdate(isPaused: !paused), now: f.now)
                }
            }
        }
    }

    struct Snapshot {
        var pool: WorkPool
        var queues: [WorkQueue]
        var deployments: [Deployment]
        var runs: [FlowRun]
    }

    func snapshot(_ f: StoreFixture) async throws -> Snapshot {
        Snapshot(
            pool: try await f.store.pool(named: "p"),
            queues: try await f.store.queues(pool: "p"),
            deployments: try await f.store.deployments(pool: "p"),
            runs: try await f.store.runs(FlowRunFilter(limit: 10_000))
        )
    }

    func checkLimits(_ f: StoreFixture, seed: UInt64) async throws {
        let s = try await snapshot(f)
        let inFlight = s.runs.filter { $0.state.isInFlight }
        if let limit = s.pool.concurrencyLimit { #expect(inFlight.count <= limit, "pool limit, seed \(seed)") }
        for queue in s.queues {
            if let limit = queue.concurrencyLimit {
                #expect(inFlight.filter { $0.queueID == queue.id }.count <= limit, "queue \(queue.name) limit, seed \(seed)")
            }
        }
        for deployment in s.deployments {
            if let limit = deployment.concurrencyLimit {
                #expect(inFlight.filter { $0.deploymentID == deployment.id }.count <= limit, "deployment limit, seed \(seed)")
            }
        }
    }
}
