import Foundation
import PushgateCore
import Testing

/// `pruneFinishedRuns` (docs/design.md "Retention"), on every backend: only finished runs older than the
/// cut-off go, with their history, oldest first and at most `limit` at a time; live runs, recent ones and
/// runs with a pending clean-up stay.
@Suite struct RetentionStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func onlyOldFinishedRunsGoWithTheirHistory(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        // Three runs cancelled an hour ago (oldest first), one whose clean-up is pending, then a live one
        // and one cancelled just now.
        var old: [String] = []
        for offset in 0..<3 {
            let id = try await f.run("d", at: 600 + Double(offset))
            _ = try await f.store.requestCancel(runID: id, reason: "not needed", now: f.now)
            old.append(id)
            f.clock.advance(by: 1)
        }
        let withCleanup = try await f.run("d")
        _ = try await f.claim("p")
        _ = try await f.store.markSubmitted(runID: withCleanup, owner: "test", providerHandle: "arn:task/9", now: f.now)
        _ = try await f.store.markTerminal(runID: withCleanup, state: .failed, reason: "exit 1", now: f.now)
        f.clock.advance(by: 3_600)
        let live = try await f.run("d", at: 7_200)
        let recent = try await f.run("d", at: 7_300)
        _ = try await f.store.requestCancel(runID: recent, reason: "not needed", now: f.now)

        let cutoff = f.now.addingTimeInterval(-600)
        #expect(try await f.store.pruneFinishedRuns(finishedBefore: cutoff, limit: 2) == 2, "a batch stops at its limit")
        let afterFirst = Set(try await f.store.runs(FlowRunFilter(limit: 100)).map(\.id))
        #expect(!afterFirst.contains(old[0]) && !afterFirst.contains(old[1]) && afterFirst.contains(old[2]), "oldest first")
        #expect(try await f.store.pruneFinishedRuns(finishedBefore: cutoff, limit: 2) == 1)
        #expect(try await f.store.pruneFinishedRuns(finishedBefore: cutoff, limit: 2) == 0, "nothing more is old enough")

        let left = Set(try await f.store.runs(FlowRunFilter(limit: 100)).map(\.id))
        #expect(left == [withCleanup, live, recent])
        for id in old {
            await #expect(throws: StoreError.self) { try await f.store.run(id: id) }
            await #expect(throws: StoreError.self, "history goes with the run") { try await f.store.history(runID: id) }
        }
        #expect(try await f.store.history(runID: recent).count == 2)

        // Once its clean-up is done, the failed run goes too.
        try await f.store.completeCleanup(runID: withCleanup)
        #expect(try await f.store.pruneFinishedRuns(finishedBefore: cutoff, limit: 10) == 1)
        #expect(Set(try await f.store.runs(FlowRunFilter(limit: 100)).map(\.id)) == [live, recent])
    }
}
