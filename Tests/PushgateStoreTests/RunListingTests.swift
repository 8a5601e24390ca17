import Foundation
import PushgateCore
import Testing

/// The paged listing the runs page reads, and the per-minute activity the pool chart draws.
@Suite struct RunListingTests {
    @Test(arguments: StoreBackend.allCases)
    func pagesNewestFirstByCursorWithQueueAndTimeFilters(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.queue("p", "fast", priority: 1)
        try await f.deployment("d-fast", pool: "p", queue: "fast")
        try await f.deployment("d-default", pool: "p")
        var fast: [String] = []
        for i in 0..<7 { fast.append(try await f.run("d-fast", at: Double(i))) }
        _ = try await f.run("d-default", at: 3.5)
        var seen: [String] = []
        var filter = FlowRunFilter(poolName: "p", queueName: "fast", order: .newestFirst, limit: 3)
        while true {
            let page = try await f.store.runs(filter)
            seen += page.map(\.id)
            guard page.count == filter.limit, let last = page.last else { break }
            filter.after = FlowRunFilter.Cursor(scheduledTime: last.scheduledTime, id: last.id)
        }
        #expect(seen == fast.reversed())
        // Queue by name across pools, and a half-open time range.
        let now = f.clock.now()
        let ranged = try await f.store.runs(
            FlowRunFilter(queueName: "fast", scheduledFrom: now.addingTimeInterval(2), scheduledUntil: now.addingTimeInterval(5))
        )
        #expect(ranged.map(\.id) == Array(fast[2..<5]))
        #expect(try await f.store.countRuns(FlowRunFilter(poolName: "p", queueName: "default")) == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func activityCountsSubmissionsAndTerminalStatesPerMinute(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        for _ in 0..<3 { _ = try await f.run("d") }
        let claimed = try await f.claim("p")
        let now = f.clock.now()
        for run in claimed { _ = try await f.store.markSubmitted(runID: run.id, owner: "test", providerHandle: "h-\(run.id)", now: now) }
        _ = try await f.store.markTerminal(runID: claimed[0].id, state: .completed, reason: "done", now: now)
        _ = try await f.store.markTerminal(runID: claimed[1].id, state: .failed, reason: "exit 1", now: now)
        let activity = try await f.store.runActivity(pool: "p", since: now.addingTimeInterval(-3600))
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        #expect(
            Set(activity) == [
                RunActivity(minute: minute, event: .submitted, count: 3),
                RunActivity(minute: minute, event: .ended(.completed), count: 1),
                RunActivity(minute: minute, event: .ended(.failed), count: 1),
            ]
        )
        #expect(try await f.store.runActivity(pool: "p", since: now.addingTimeInterval(60)).isEmpty)
    }
}
