import Foundation
import PushgateCore
import Testing

@Suite struct LifecycleStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func claimSubmitRunComplete(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await f.run("d")
        let claimed = try #require(try await f.claim("p", owner: "gw-1", lease: 30).first)
        #expect(claimed.state == .pending)
        #expect(claimed.attempt == 1)
        #expect(claimed.leaseOwner == "gw-1")
        #expect(claimed.leaseExpiresAt == f.now.addingTimeInterval(30))
        #expect(claimed.submissionKey == "pg-\(id)-1")

        await #expect(throws: StoreError.self) {
            try await f.store.markSubmitted(runID: id, owner: "gw-2", providerHandle: "arn:1", now: f.now)
        }
        let submitted = try await f.store.markSubmitted(runID: id, owner: "gw-1", providerHandle: "arn:1", now: f.now)
        #expect(submitted.providerHandle == "arn:1")
        // Recording the same handle again is a no-op; a different one is a conflict.
        _ = try await f.store.markSubmitted(runID: id, owner: "gw-1", providerHandle: "arn:1", now: f.now)
        await #expect(throws: StoreError.self) {
            try await f.store.markSubmitted(runID: id, owner: "gw-1", providerHandle: "arn:2", now: f.now)
        }
        f.clock.advance(by: 5)
        let running = try await f.store.markRunning(runID: id, reason: "task RUNNING", now: f.now)
        #expect(running.state == .running)
        #expect(running.leaseOwner == nil)
        let done = try await f.store.markTerminal(runID: id, state: .completed, reason: "exit 0", now: f.now)
        #expect(done.state == .completed)

        // Terminal is final.
        for state in [RunState.failed, .crashed, .cancelled] {
            do {
                _ = try await f.store.markTerminal(runID: id, state: state, reason: "late news", now: f.now)
                Issue.record("terminal run changed to \(state)")
            } catch let error as StoreError {
                #expect(error.code == .invalidTransition)
            }
        }
        await #expect(throws: StoreError.self) { try await f.store.requestCancel(runID: id, reason: "x", now: f.now) }
        await #expect(throws: StoreError.self) { try await f.store.markRunning(runID: id, reason: "x", now: f.now) }
        #expect(try await f.store.run(id: id).state == .completed)

        let history = try await f.store.history(runID: id)
        #expect(history.map(\.to) == [.scheduled, .pending, .pending, .running, .completed])
        #expect(history.map(\.reason) == ["created", "claimed by gw-1", "submitted as arn:1", "task RUNNING", "exit 0"])
        #expect(history[3].at == f.now)
    }

    @Test(arguments: StoreBackend.allCases)
    func cancellation(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let waiting = try await f.run("d", at: 600)
        let claimedID = try await f.run("d")
        // Nothing started: cancelled at once.
        #expect(try await f.store.requestCancel(runID: waiting, reason: "user", now: f.now).state == .cancelled)
        f.clock.advance(by: 600)
        #expect(try await f.claim("p").map(\.id) == [claimedID])
        // Claimed: Cancelling, then the dispatcher finishes it.
        let cancelling = try await f.store.requestCancel(runID: claimedID, reason: "user", now: f.now)
        #expect(cancelling.state == .cancelling)
        #expect(cancelling.leaseOwner == "test")
        #expect(try await f.store.requestCancel(runID: claimedID, reason: "again", now: f.now).state == .cancelling)
        // A submission that raced the cancel is still recorded, so the infrastructure can be stopped.
        _ = try await f.store.markSubmitted(runID: claimedID, owner: "test", providerHandle: "h", now: f.now)
        await #expect(throws: StoreError.self) { try await f.store.markRunning(runID: claimedID, reason: "x", now: f.now) }
        let cancelled = try await f.store.markTerminal(runID: claimedID, state: .cancelled, reason: "stopped", now: f.now)
        #expect(cancelled.state == .cancelled)
        #expect(try await f.store.history(runID: claimedID).map(\.to) == [.scheduled, .pending, .cancelling, .cancelling, .cancelled])
    }

    @Test(arguments: StoreBackend.allCases)
    func leaseExpiryRecovery(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await f.run("d")
        _ = try await f.claim("p", owner: "dead", lease: 30)
        f.clock.advance(by: 10)
        #expect(try await f.store.reclaimExpiredLeases(pool: "p", owner: "new", leaseDuration: 30, now: f.now, limit: 10).isEmpty)
        _ = try await f.store.renewLease(runID: id, owner: "dead", until: f.now.addingTimeInterval(30), now: f.now)
        f.clock.advance(by: 25)
        #expect(try await f.store.reclaimExpiredLeases(pool: "p", owner: "new", leaseDuration: 30, now: f.now, limit: 10).isEmpty)
        f.clock.advance(by: 10)
        let taken = try await f.store.reclaimExpiredLeases(pool: "p", owner: "new", leaseDuration: 30, now: f.now, limit: 10)
        #expect(taken.map(\.id) == [id])
        #expect(taken[0].leaseOwner == "new")
        #expect(taken[0].attempt == 1)
        #expect(taken[0].submissionKey == "pg-\(id)-1")
        await #expect(throws: StoreError.self) {
            try await f.store.markSubmitted(runID: id, owner: "dead", providerHandle: "h", now: f.now)
        }
        _ = try await f.store.markSubmitted(runID: id, owner: "new", providerHandle: "h", now: f.now)
        #expect(try await f.store.history(runID: id).contains { $0.reason.contains("expired; taken over by new") })
    }

    @Test(arguments: StoreBackend.allCases)
    func releaseGivesAnUnsubmittedRunBack(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        let id = try await f.run("d")
        _ = try await f.claim("p", owner: "a")
        let released = try await f.store.releaseClaim(runID: id, owner: "a", reason: "shutting down", now: f.now)
        #expect(released.state == .scheduled)
        #expect(released.leaseOwner == nil)
        let again = try await f.claim("p", owner: "b")
        #expect(again.first?.attempt == 2)
        _ = try await f.store.markSubmitted(runID: id, owner: "b", providerHandle: "h", now: f.now)
        await #expect(throws: StoreError.self) {
            try await f.store.releaseClaim(runID: id, owner: "b", reason: "x", now: f.now)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func idempotentCreation(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        try await f.deployment("d", pool: "p")
        try await f.deployment("e", pool: "p")
        let first = try await f.store.createRun(FlowRunSpec(deploymentName: "d", idempotencyKey: "k"), now: f.now)
        let second = try await f.store.createRun(
            FlowRunSpec(deploymentName: "d", scheduledTime: f.now.addingTimeInterval(99), idempotencyKey: "k"),
            now: f.now
        )
        #expect(first.created)
        #expect(!second.created)
        #expect(second.run.id == first.run.id)
        #expect(second.run.scheduledTime == first.run.scheduledTime)
        let other = try await f.store.createRun(FlowRunSpec(deploymentName: "e", idempotencyKey: "k"), now: f.now)
        #expect(other.created && other.run.id != first.run.id)
        let batch = try await f.store.createRuns(
            [FlowRunSpec(deploymentName: "d", idempotencyKey: "b"), FlowRunSpec(deploymentName: "d", idempotencyKey: "b")],
            now: f.now
        )
        #expect(batch.map(\.created) == [true, false])
        #expect(batch[0].run.id == batch[1].run.id)
        #expect(try await f.store.runs(FlowRunFilter()).count == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func jobVariablesAreStoredCanonically(_ backend: StoreBackend) async throws {
        let f = try await StoreFixture(backend)
        try await f.pool("p")
        let deployment = try await f.store.createDeployment(
            DeploymentSpec(name: "d", poolName: "p", jobVariables: #"{ "b": 1, "a": {"x": true} }"#),
            now: f.now
        )
        #expect(deployment.jobVariables == #"{"a":{"x":true},"b":1}"#)
        let run = try await f.store.createRun(FlowRunSpec(deploymentName: "d", jobVariables: #"{"image":"x"}"#), now: f.now)
        #expect(try await f.store.run(id: run.run.id).jobVariables == #"{"image":"x"}"#)
    }
}
