import Foundation
import PushgateCore
import PushgateStore
import Testing

/// Many submissions recorded at once (the dispatcher's burst): each call gets its own outcome, a bad one
/// fails alone, and on SQLite they share transactions (group commit) instead of one fsync each.
@Suite struct SubmissionBatchTests {
    @Test(arguments: StoreBackend.allCases)
    func concurrentSubmissionsEachGetTheirOwnOutcome(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        for _ in 0..<60 { try await f.run("d") }
        let claimed = try await f.claim("p", owner: "gw-1")
        #expect(claimed.count == 60)
        // Every seventh call names the wrong owner and must fail without undoing its neighbours.
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for (index, run) in claimed.enumerated() {
                let owner = index % 7 == 3 ? "gw-2" : "gw-1"
                group.addTask {
                    let marked = try? await f.store.markSubmitted(runID: run.id, owner: owner, providerHandle: "h-\(run.id)", now: f.now)
                    return (run.id, marked?.providerHandle == "h-\(run.id)")
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        for (index, run) in claimed.enumerated() {
            let refused = index % 7 == 3
            #expect(outcomes[run.id] == !refused)
            let stored = try await f.store.run(id: run.id)
            #expect(stored.providerHandle == (refused ? nil : "h-\(run.id)"))
            let reasons = try await f.store.history(runID: run.id).map(\.reason)
            #expect(reasons.filter { $0.hasPrefix("submitted as") }.count == (refused ? 0 : 1))
        }
        if let sqlite = f.store as? SQLiteStore {
            let commits = await sqlite.groupCommits
            #expect(commits >= 1 && commits < 60, "60 concurrent submissions took \(commits) transactions")
        }
    }
}
