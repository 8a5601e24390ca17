import Foundation
import PushgateCore
import Testing

/// A claim whose `now` was read before a slot was freed (the dispatcher reads its clock, then waits for the
/// write lock while the poller ends a run) is recorded no earlier than that end, so a limit audited from
/// the history never shows two runs in one slot.
@Suite struct ClaimHistoryTimeTests {
    @Test(arguments: StoreBackend.allCases)
    func aClaimIsNeverRecordedBeforeTheChangeThatFreedItsSlot(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p", limit: 1)
        try await f.deployment("d", pool: "p")
        let first = try await f.run("d", at: -2)
        let second = try await f.run("d", at: -1)
        let staleNow = f.now
        #expect(try await f.claim("p").map(\.id) == [first])
        f.clock.advance(by: 5)
        _ = try await f.store.markTerminal(runID: first, state: .completed, reason: "exit 0", now: f.now)
        // The claim's clock reading is older than the completion that freed the pool's one slot.
        let claimed = try await f.store.claim(pool: "p", owner: "gw", limit: 10, leaseDuration: 60, now: staleNow)
        #expect(claimed.map(\.id) == [second])
        let claimedAt = try #require(try await f.store.history(runID: second).last { $0.to == .pending }?.at)
        let endedAt = try #require(try await f.store.history(runID: first).last?.at)
        #expect(claimedAt >= endedAt)
        #expect(claimed[0].leaseExpiresAt == claimedAt.addingTimeInterval(60))
    }
}
