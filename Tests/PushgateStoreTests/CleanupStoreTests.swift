import Foundation
import PushgateCore
import Testing

/// Tracking notes and pending clean-ups (docs/design.md "Clean-up"), on every backend.
@Suite struct CleanupStoreTests {
    /// A run submitted and claimed by `test`, with `handle` recorded.
    func submittedRun(_ f: StoreFixture, handle: String) async throws -> String {
        let id = try await f.run("d")
        _ = try await f.claim("p")
        _ = try await f.store.markSubmitted(runID: id, owner: "test", providerHandle: handle, now: f.now)
        return id
    }

    @Test(arguments: StoreBackend.allCases)
    func aSubmittedRunsEndRecordsItsCleanUpUntilCompleted(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let submitted = try await submittedRun(f, handle: "arn:task/1")
        // A run that never reached its provider leaves nothing to clean up.
        let unsubmitted = try await f.run("d", at: 600)
        _ = try await f.store.requestCancel(runID: unsubmitted, reason: "not needed", now: f.now)
        #expect(try await f.store.pendingCleanups(dueBy: nil, limit: 10).isEmpty)

        _ = try await f.store.markTerminal(runID: submitted, state: .completed, reason: "exit 0", now: f.now)
        let pending = try await f.store.pendingCleanups(dueBy: f.now, limit: 10)
        #expect(pending.map(\.run.id) == [submitted])
        #expect(pending.first?.providerHandle == "arn:task/1")
        #expect(pending.first?.run.state == .completed)
        #expect(pending.first?.attempts == 0 && pending.first?.lastError == nil)
        // A deployment with a clean-up outstanding keeps its record: deleting it would forget the clean-up.
        await #expect(throws: StoreError.self) { try await f.store.deleteDeployment(named: "d") }

        try await f.store.deferCleanup(runID: submitted, error: "HTTP 400: FAILED_PRECONDITION", nextAttemptAt: f.now.addingTimeInterval(30))
        #expect(try await f.store.pendingCleanups(dueBy: f.now, limit: 10).isEmpty)
        let deferred = try await f.store.pendingCleanups(dueBy: nil, limit: 10)
        #expect(deferred.first?.attempts == 1 && deferred.first?.lastError == "HTTP 400: FAILED_PRECONDITION")
        #expect(deferred.first?.nextAttemptAt == f.now.addingTimeInterval(30))
        f.clock.advance(by: 31)
        #expect(try await f.store.pendingCleanups(dueBy: f.now, limit: 10).count == 1)

        try await f.store.completeCleanup(runID: submitted)
        #expect(try await f.store.pendingCleanups(dueBy: nil, limit: 10).isEmpty)
        try await f.store.deleteDeployment(named: "d")
    }

    @Test(arguments: StoreBackend.allCases)
    func aTrackingNoteLastsUntilTheRunChangesState(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await submittedRun(f, handle: "exec-1")
        try await f.store.setTrackingNote(runID: id, note: "executions.get answered 404; executions.list failed")
        #expect(try await f.store.run(id: id).trackingNote == "executions.get answered 404; executions.list failed")
        let historyBefore = try await f.store.history(runID: id).count
        #expect(historyBefore == 3, "a note is not a state change")
        try await f.store.setTrackingNote(runID: id, note: nil)
        #expect(try await f.store.run(id: id).trackingNote == nil)
        try await f.store.setTrackingNote(runID: id, note: "unconfirmed again")
        _ = try await f.store.markRunning(runID: id, reason: "started", now: f.now)
        #expect(try await f.store.run(id: id).trackingNote == nil)
        _ = try await f.store.markTerminal(runID: id, state: .completed, reason: "exit 0", now: f.now)
        // A finished run takes no note.
        try await f.store.setTrackingNote(runID: id, note: "late")
        #expect(try await f.store.run(id: id).trackingNote == nil)
    }
}
