import Foundation
import PushgateCore
import Testing

@Suite struct SelectionStoreTests {
    /// The seed's example: queues low/10/no limit, high/5/limit 3, critical/1/limit 1.
    @Test(arguments: StoreBackend.allCases)
    func seedExampleWaterfall(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "low", priority: 10)
        try await f.queue("p", "high", priority: 5, limit: 3)
        try await f.queue("p", "critical", priority: 1, limit: 1)
        try await f.deployment("dl", pool: "p", queue: "low")
        try await f.deployment("dh", pool: "p", queue: "high")
        try await f.deployment("dc", pool: "p", queue: "critical")
        // Low and high work is older than critical work: priority beats scheduled time across queues.
        var low: [String] = []
        var high: [String] = []
        for i in 0..<4 { low.append(try await f.run("dl", at: Double(-300 + i))) }
        for i in 0..<4 { high.append(try await f.run("dh", at: Double(-200 + i))) }
        let c0 = try await f.run("dc", at: -100)

        // Critical drains first, then high up to its limit, then low.
        let first = try await f.claim("p", limit: 2)
        #expect(first.map(\.id) == [c0, high[0]])
        let second = try await f.claim("p", limit: 100)
        #expect(second.map(\.id) == [high[1], high[2]] + low)
        #expect(second.allSatisfy { $0.queueName != "critical" })

        // New critical work jumps ahead of the older waiting high run once slots free up.
        try await f.complete(c0)
        try await f.complete(high[0])
        f.clock.advance(by: 10)
        let c1 = try await f.run("dc")
        let low4 = try await f.run("dl")
        let third = try await f.claim("p", limit: 1)
        #expect(third.map(\.id) == [c1])
        let fourth = try await f.claim("p", limit: 100)
        #expect(fourth.map(\.id) == [high[3], low4])

        // Limits hold: critical 1 and high 3 in flight, nothing more to take.
        let c2 = try await f.run("dc")
        #expect(try await f.claim("p").isEmpty)
        let preview = try await f.store.preview(pool: "p", now: f.now, upcoming: 10)
        #expect(preview.first { $0.run.id == c2 }?.verdict == .held(.queueFull))
        let inFlight = try await f.store.runs(FlowRunFilter(states: [.pending], poolName: "p"))
        #expect(inFlight.filter { $0.queueName == "critical" }.count == 1)
        #expect(inFlight.filter { $0.queueName == "high" }.count == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func poolLimitAcrossQueues(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p", limit: 3)
        try await f.queue("p", "a", priority: 2)
        try await f.queue("p", "b", priority: 3)
        try await f.deployment("da", pool: "p", queue: "a")
        try await f.deployment("db", pool: "p", queue: "b")
        let a0 = try await f.run("da", at: -10)
        let a1 = try await f.run("da", at: -9)
        let b0 = try await f.run("db", at: -50)
        let b1 = try await f.run("db", at: -49)
        #expect(try await f.claim("p").map(\.id) == [a0, a1, b0])
        #expect(try await f.claim("p").isEmpty)
        let preview = try await f.store.preview(pool: "p", now: f.now, upcoming: 5)
        #expect(preview.first { $0.run.id == b1 }?.verdict == .held(.poolFull))
        try await f.complete(a0)
        #expect(try await f.claim("p").map(\.id) == [b1])

        // Lowering the limit below the in-flight count holds everything; removing it frees all.
        _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(concurrencyLimit: .some(1)), now: f.now)
        try await f.run("da", at: -1)
        #expect(try await f.claim("p").isEmpty)
        _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(concurrencyLimit: .some(nil)), now: f.now)
        #expect(try await f.claim("p").count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func deploymentLimit(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("limited", pool: "p", limit: 1)
        try await f.deployment("free", pool: "p")
        let l0 = try await f.run("limited", at: -30)
        let l1 = try await f.run("limited", at: -29)
        let l2 = try await f.run("limited", at: -28)
        let f0 = try await f.run("free", at: -10)
        // Only 1 per claim read: the held limited runs must not block the free one behind them.
        #expect(try await f.claim("p", limit: 2).map(\.id) == [l0, f0])
        #expect(try await f.claim("p").isEmpty)
        try await f.complete(l0)
        #expect(try await f.claim("p").map(\.id) == [l1])
        let preview = try await f.store.preview(pool: "p", now: f.now, upcoming: 5)
        #expect(preview.first { $0.run.id == l2 }?.verdict == .held(.deploymentFull))
    }

    @Test(arguments: StoreBackend.allCases)
    func deploymentLimitAcrossManyBlockedRuns(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "q", limit: 2)
        try await f.deployment("one", pool: "p", queue: "q", limit: 1)
        try await f.deployment("other", pool: "p", queue: "q")
        for i in 0..<20 { try await f.run("one", at: Double(-100 + i)) }
        let late = try await f.run("other", at: -1)
        let claimed = try await f.claim("p")
        #expect(claimed.count == 2)
        #expect(claimed.last?.id == late)
    }

    @Test(arguments: StoreBackend.allCases)
    func pauseAndResume(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "q", priority: 1)
        try await f.deployment("dq", pool: "p", queue: "q")
        try await f.deployment("dd", pool: "p")
        let q0 = try await f.run("dq", at: -5)
        let d0 = try await f.run("dd", at: -1)

        _ = try await f.store.updateQueue(pool: "p", named: "q", WorkQueueUpdate(isPaused: true), now: f.now)
        #expect(try await f.claim("p").map(\.id) == [d0])
        let preview = try await f.store.preview(pool: "p", now: f.now, upcoming: 5)
        #expect(preview.first { $0.run.id == q0 }?.verdict == .held(.queuePaused))
        _ = try await f.store.updateQueue(pool: "p", named: "q", WorkQueueUpdate(isPaused: false), now: f.now)

        _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(isPaused: true), now: f.now)
        #expect(try await f.claim("p").isEmpty)
        let pausedPreview = try await f.store.preview(pool: "p", now: f.now, upcoming: 5)
        #expect(pausedPreview.first { $0.run.id == q0 }?.verdict == .held(.poolPaused))
        _ = try await f.store.updatePool(named: "p", WorkPoolUpdate(isPaused: false), now: f.now)
        #expect(try await f.claim("p").map(\.id) == [q0])
    }

    @Test(arguments: StoreBackend.allCases)
    func queueStatusTransitionsAt60Seconds(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        func status() async throws -> WorkQueueStatus { try await f.store.queue(pool: "p", named: "default").status(now: f.now) }
        #expect(try await status() == .notReady)
        _ = try await f.claim("p")
        #expect(try await status() == .ready)
        f.clock.advance(by: 60)
        #expect(try await status() == .ready)
        f.clock.advance(by: 1)
        #expect(try await status() == .notReady)
        _ = try await f.claim("p")
        _ = try await f.store.updateQueue(pool: "p", named: "default", WorkQueueUpdate(isPaused: true), now: f.now)
        #expect(try await status() == .paused)
        // A claim does not stamp paused queues; resuming within 60 s of the last one is READY again.
        f.clock.advance(by: 30)
        _ = try await f.claim("p")
        _ = try await f.store.updateQueue(pool: "p", named: "default", WorkQueueUpdate(isPaused: false), now: f.now)
        #expect(try await status() == .ready)
        f.clock.advance(by: 31)
        #expect(try await status() == .notReady)
    }

    @Test(arguments: StoreBackend.allCases)
    func lateMarking(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let due = try await f.run("d")
        let future = try await f.run("d", at: 3600)
        f.clock.advance(by: 14)
        #expect(try await f.store.markLateRuns(now: f.now) == 0)
        f.clock.advance(by: 1)
        #expect(try await f.store.markLateRuns(now: f.now) == 1)
        #expect(try await f.store.markLateRuns(now: f.now) == 0)
        #expect(try await f.store.run(id: due).state == .late)
        #expect(try await f.store.run(id: future).state == .scheduled)
        let history = try await f.store.history(runID: due)
        #expect(history.map(\.to) == [.scheduled, .late])
        #expect(history.last?.reason.contains("15 s") == true)
        // Late runs are still claimable.
        let claimed = try await f.claim("p")
        #expect(claimed.map(\.id) == [due])
        #expect(try await f.store.history(runID: due).last?.from == .late)
    }

    @Test(arguments: StoreBackend.allCases)
    func claimSkipsRunsThatAreNotDue(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let now0 = try await f.run("d", at: 0)
        try await f.run("d", at: 0.5)
        #expect(try await f.claim("p").map(\.id) == [now0])
        f.clock.advance(by: 1)
        #expect(try await f.claim("p").count == 1)
    }
}
