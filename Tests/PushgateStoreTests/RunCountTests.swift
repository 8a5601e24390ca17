import Foundation
import PushgateCore
import Testing

@Suite struct RunCountTests {
    /// Counts per pool, queue and state, terminal runs left out: what the metrics gauges are built from.
    @Test(arguments: StoreBackend.allCases)
    func nonTerminalRunsAreCountedPerQueueAndState(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "fast", priority: 1)
        try await f.deployment("d-fast", pool: "p", queue: "fast")
        try await f.deployment("d-default", pool: "p")
        for offset in [-3.0, -2, -1] { try await f.run("d-fast", at: offset) }
        for offset in [0.0, 600] { try await f.run("d-default", at: offset) }
        #expect(
            Set(try await f.store.nonTerminalRunCounts()) == [
                RunCount(poolName: "p", queueName: "fast", state: .scheduled, count: 3),
                RunCount(poolName: "p", queueName: "default", state: .scheduled, count: 2),
            ]
        )
        // The fast queue goes first: a claim of 2 takes two of its runs, and one of them completes.
        let claimed = try await f.claim("p", limit: 2)
        #expect(claimed.allSatisfy { $0.queueName == "fast" })
        try await f.complete(claimed[0].id)
        #expect(
            Set(try await f.store.nonTerminalRunCounts()) == [
                RunCount(poolName: "p", queueName: "fast", state: .scheduled, count: 1),
                RunCount(poolName: "p", queueName: "fast", state: .pending, count: 1),
                RunCount(poolName: "p", queueName: "default", state: .scheduled, count: 2),
            ]
        )
    }

    /// What the pools page counts: Late and in-flight runs only, the Scheduled backlog left out.
    @Test(arguments: StoreBackend.allCases)
    func liveRunsLeaveTheScheduledBacklogOut(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        for offset in [-3.0, -2, -1, 600, 700] { try await f.run("d", at: offset) }
        #expect(try await f.store.liveRunCounts().isEmpty, "five Scheduled runs are no live run")
        let claimed = try await f.claim("p", limit: 2)
        try await f.complete(claimed[0].id)
        #expect(Set(try await f.store.liveRunCounts()) == [RunCount(poolName: "p", queueName: "default", state: .pending, count: 1)])
        #expect(Set(try await f.store.nonTerminalRunCounts()).contains(RunCount(poolName: "p", queueName: "default", state: .scheduled, count: 3)))
    }
}
