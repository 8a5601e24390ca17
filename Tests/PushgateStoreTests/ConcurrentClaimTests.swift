import Foundation
import PushgateCore
import PushgateStore
import Testing

@Suite struct ConcurrentClaimTests {
    /// Several connections (as several gateway processes would have) claim from one file at once while runs
    /// complete; no run is claimed twice and no snapshot ever exceeds a limit (``ConcurrentClaimScenario``).
    @Test func manyClaimersNeverDoubleClaimOrExceedLimits() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("shared.db")
        let setup = try await SQLiteStore.open(path: path)
        try await ConcurrentClaimScenario.seed(setup, runs: 300, now: Date())
        var stores: [SQLiteStore] = []
        for _ in 0..<5 { stores.append(try await SQLiteStore.open(path: path, configuration: .init(busyTimeout: 30))) }
        let monitor = stores.removeLast()
        let log = try await ConcurrentClaimScenario.run(claimers: stores, monitor: monitor)
        try await ConcurrentClaimScenario.expectEachRunClaimedOnce(log, runs: 300, store: setup)
        // Each run entered Pending once: its history has one claim.
        for run in try await setup.runs(FlowRunFilter(states: [.completed], limit: 20)) {
            #expect(try await setup.history(runID: run.id).filter { $0.to == .pending && $0.from != .pending }.count == 1)
        }
    }
}
