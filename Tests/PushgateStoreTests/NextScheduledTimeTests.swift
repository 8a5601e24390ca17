import Foundation
import PushgateCore
import Testing

@Suite struct NextScheduledTimeTests {
    /// Only Scheduled runs later than `now` count: due, claimed and finished runs do not.
    @Test(arguments: StoreBackend.allCases)
    func theEarliestFutureScheduledRun(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        #expect(try await f.store.nextScheduledTime(after: f.now) == nil)
        try await f.run("d")  // due now
        try await f.run("d", at: 90)
        try await f.run("d", at: 30)
        #expect(try await f.store.nextScheduledTime(after: f.now) == f.now.addingTimeInterval(30))
        f.clock.advance(by: 30)
        // The run due at +30 s is due now, not next; claiming both due runs leaves +90 s.
        #expect(try await f.store.nextScheduledTime(after: f.now) == f.now.addingTimeInterval(60))
        #expect(try await f.claim("p").count == 2)
        #expect(try await f.store.nextScheduledTime(after: f.now) == f.now.addingTimeInterval(60))
    }
}
