import Foundation
import PushgateProviders
import PushgateTestSupport
import Synchronization
import Testing

@Suite("ExpiringValue")
struct ExpiringValueTests {
    struct Boom: Error {}

    @Test("50 concurrent callers share one fetch")
    func oneFetchForConcurrentCallers() async throws {
        let clock = ManualClock()
        let gate = clock.now().addingTimeInterval(1)
        let fetches = Mutex(0)
        let cache = ExpiringValue<Int>(clock: clock, refreshMargin: 60) {
            fetches.withLock { $0 += 1 }
            try await clock.sleep(until: gate)  // held open until every caller is waiting
            return (42, gate.addingTimeInterval(3_600))
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.get() } }
            while await cache.waitingCallers < 49 { await Task.yield() }
            clock.advance(by: 1)
            var results: [Int] = []
            for try await value in group { results.append(value) }
            #expect(results == Array(repeating: 42, count: 50))
        }
        #expect(fetches.withLock { $0 } == 1)
        #expect(await cache.fetchCount == 1)
    }

    @Test("cached until the refresh margin, then refreshed once")
    func refreshMargin() async throws {
        let clock = ManualClock()
        let counter = Mutex(0)
        let cache = ExpiringValue<Int>(clock: clock, refreshMargin: 300) {
            let n = counter.withLock {
                $0 += 1
                return $0
            }
            return (n, clock.now().addingTimeInterval(3_600))
        }
        #expect(try await cache.get() == 1)
        clock.advance(by: 3_299)
        #expect(try await cache.get() == 1)
        clock.advance(by: 1)  // exactly at expiry - margin
        #expect(try await cache.get() == 2)
        #expect(try await cache.get() == 2)
        await cache.invalidate()
        #expect(try await cache.get() == 3)
    }

    @Test("a failed refresh keeps a still-valid value, and fails once it has expired")
    func failedRefresh() async throws {
        let clock = ManualClock()
        let fail = Mutex(false)
        let cache = ExpiringValue<String>(clock: clock, refreshMargin: 600) {
            if fail.withLock({ $0 }) { throw Boom() }
            return ("v", clock.now().addingTimeInterval(1_000))
        }
        #expect(try await cache.get() == "v")
        fail.withLock { $0 = true }
        clock.advance(by: 500)
        #expect(try await cache.get() == "v")
        clock.advance(by: 500)
        await #expect(throws: Boom.self) { try await cache.get() }
    }
}
