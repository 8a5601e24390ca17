import Foundation
import PushgateCore
import PushgateServer
import PushgateTestSupport
import Testing

@Suite struct PollerTests {
    func submitted(_ h: ServerTestHarness, count: Int) async throws -> [FlowRun] {
        let runs = try await h.createRuns("etl-low", count: count)
        await h.dispatcher().runOnce()
        return runs
    }

    @Test func runsFollowTheProviderToTheirEnd() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 3)
        let poller = h.poller()
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .pending)
        h.provider.setAllStatuses(ProviderStatus(.running))
        await poller.runOnce()
        for run in runs { #expect(try await h.state(run) == .running) }
        h.provider.setStatus(runID: runs[0].id, ProviderStatus(.completed, exitCode: 0, reason: "EssentialContainerExited"))
        h.provider.setStatus(runID: runs[1].id, ProviderStatus(.failed, exitCode: 3, reason: "EssentialContainerExited"))
        h.provider.setStatus(runID: runs[2].id, ProviderStatus(.crashed, reason: "TaskFailedToStart: CannotPullContainerError"))
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .completed)
        let failed = try await h.store.run(id: runs[1].id)
        #expect(failed.state == .failed && failed.stateReason.contains("exit code 3"))
        #expect(try await h.store.run(id: runs[2].id).stateReason.contains("CannotPullContainerError"))
        #expect(h.provider.workloads.allSatisfy { $0.cleanedUp })
        // The history records every transition with its reason.
        let history = try await h.store.history(runID: runs[1].id).map(\.to)
        #expect(history.suffix(2) == [.running, .failed])
        // Terminal runs never change again, whatever the provider says later.
        h.provider.setStatus(runID: runs[0].id, ProviderStatus(.running))
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .completed)
    }

    @Test func cancelRequestsBecomeProviderCancels() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        h.provider.setAllStatuses(ProviderStatus(.running))
        let poller = h.poller()
        await poller.runOnce()
        _ = try await h.store.requestCancel(runID: runs[0].id, reason: "user asked", now: h.clock.now())
        #expect(try await h.state(runs[0]) == .cancelling)
        await poller.runOnce()
        #expect(h.provider.workloads[0].cancelled)
        #expect(try await h.state(runs[0]) == .cancelled)
    }

    /// The workload finished before the cancel took effect: the run must not stay Cancelling for ever.
    @Test func aCancellingRunWhoseWorkloadEndedFirstEndsCancelledWithTheOutcome() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        h.provider.setAllStatuses(ProviderStatus(.running))
        let poller = h.poller()
        await poller.runOnce()
        _ = try await h.store.requestCancel(runID: runs[0].id, reason: "user asked", now: h.clock.now())
        h.provider.setAllStatuses(ProviderStatus(.completed, exitCode: 0, reason: "Essential container exited"))
        await poller.runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .cancelled)
        #expect(run.stateReason.contains("infrastructure ended first: completed, Essential container exited (exit code 0)"), "\(run.stateReason)")
        #expect(h.provider.workloads[0].cleanedUp)
    }

    @Test func unclaimedRunsCancelWithoutAProviderCall() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await h.createRuns("etl-low", count: 1, at: 3600)
        _ = try await h.store.requestCancel(runID: runs[0].id, reason: "not needed", now: h.clock.now())
        #expect(try await h.state(runs[0]) == .cancelled)
        #expect(h.provider.submitCalls == 0)
    }

    @Test func infrastructureThatNeverStartsIsCrashedAndStopped() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        let poller = h.poller { $0.startTimeout = 120 }
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .pending)
        h.clock.advance(by: 121)
        await poller.runOnce()
        // The stop is sent, but the run keeps its slot until the provider reports the workload stopped.
        #expect(h.provider.workloads[0].cancelled)
        let stopping = try await h.store.run(id: runs[0].id)
        #expect(stopping.state == .pending)
        #expect(stopping.trackingNote?.contains("did not start within 120 s; stop sent") == true, "\(stopping.trackingNote ?? "nil")")
        await poller.runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("did not start within 120 s"), "\(run.stateReason)")
        #expect(h.provider.workloads[0].cleanedUp)
    }

    /// A stop that the provider has not carried out leaves the run in flight: it never ends while it may run.
    @Test func aTimedOutRunWhoseStopHasNotTakenEffectStaysInFlight() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        h.provider.setAllStatuses(ProviderStatus(.running))
        h.provider.ignoreCancels()
        let poller = h.poller { $0.maxRunTime = 60 }
        await poller.runOnce()
        h.clock.advance(by: 61)
        for _ in 0..<3 { await poller.runOnce() }
        #expect(h.provider.workloads[0].cancelled)
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .running)
        #expect(run.trackingNote?.contains("maximum run time of 60 s; stop sent") == true)
        // The workload ends on its own: the run ends as it did.
        h.provider.setAllStatuses(ProviderStatus(.completed, exitCode: 0))
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .completed)
    }

    /// "Not found" without proof: the run keeps its slot and says why, and ends when the workload does.
    @Test func anUnconfirmedWorkloadKeepsItsRunInFlight() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 2)
        h.provider.setAllStatuses(ProviderStatus(.running))
        let poller = h.poller()
        await poller.runOnce()
        let note = "executions.get answered 404 and executions.list failed: HTTP 503"
        h.provider.setStatus(runID: runs[0].id, ProviderStatus(.unconfirmed, reason: note))
        for _ in 0..<2 { await poller.runOnce() }
        let unconfirmed = try await h.store.run(id: runs[0].id)
        #expect(unconfirmed.state == .running && unconfirmed.trackingNote == note)
        #expect(h.metrics.render().contains("pushgate_runs_unconfirmed 1"))
        // The pool's in-flight count still holds the run's slot.
        let counts = try await h.store.nonTerminalRunCounts()
        #expect(counts.filter { $0.state == .running }.map(\.count).reduce(0, +) == 2)
        h.provider.setStatus(runID: runs[0].id, ProviderStatus(.running))
        await poller.runOnce()
        #expect(try await h.store.run(id: runs[0].id).trackingNote == nil)
        #expect(h.metrics.render().contains("pushgate_runs_unconfirmed 0"))
        h.provider.setAllStatuses(ProviderStatus(.completed, exitCode: 0))
        await poller.runOnce()
        for run in runs { #expect(try await h.state(run) == .completed) }
    }

    /// A refused clean-up is kept and retried with backoff until the provider confirms it.
    @Test func aFailedCleanUpIsRetriedUntilDone() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        h.provider.setAllStatuses(ProviderStatus(.completed, exitCode: 0))
        h.provider.failNextCleanUps(with: [
            ProviderError(.rejected, "Cloud Run jobs.delete: HTTP 400: FAILED_PRECONDITION"),
            ProviderError(.unavailable, "Cloud Run jobs.delete: deferred until the execution stops"),
        ])
        let poller = h.poller { $0.cleanupRetry = RetryPolicy(maxAttempts: .max, baseDelay: 10, multiplier: 2, maxDelay: 40) }
        await poller.runOnce()
        #expect(try await h.state(runs[0]) == .completed)
        var pending = try await h.store.pendingCleanups(dueBy: nil, limit: 10)
        #expect(pending.count == 1 && pending[0].attempts == 1)
        #expect(pending[0].lastError?.contains("FAILED_PRECONDITION") == true)
        // Not due yet: the next pass leaves it.
        await poller.runOnce()
        #expect(h.provider.cleanUpCalls == 1)
        h.clock.advance(by: 41)
        await poller.runOnce()
        pending = try await h.store.pendingCleanups(dueBy: nil, limit: 10)
        #expect(pending.count == 1 && pending[0].attempts == 2)
        h.clock.advance(by: 81)
        await poller.runOnce()
        #expect(try await h.store.pendingCleanups(dueBy: nil, limit: 10).isEmpty)
        #expect(h.provider.workloads[0].cleanedUp && h.provider.cleanUpCalls == 3)
        #expect(h.metrics.render().contains("pushgate_cleanup_failures_total{provider=\"ecs:push\"} 2"))
    }

    /// A run that ended while no poller ran (a crash right after the terminal transition) is still cleaned up.
    @Test func aCleanUpRecordedBeforeACrashIsDoneByTheNextPoller() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        _ = try await h.store.markTerminal(runID: runs[0].id, state: .crashed, reason: "recorded, then the gateway died", now: h.clock.now())
        #expect(!h.provider.workloads[0].cleanedUp)
        await h.poller().runOnce()
        #expect(h.provider.workloads[0].cleanedUp)
        #expect(try await h.store.pendingCleanups(dueBy: nil, limit: 10).isEmpty)
    }

    @Test func runsPastTheirMaximumRunTimeAreStopped() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 1)
        h.provider.setAllStatuses(ProviderStatus(.running))
        let poller = h.poller { $0.maxRunTime = 60 }
        await poller.runOnce()
        h.clock.advance(by: 61)
        await poller.runOnce()
        #expect(h.provider.workloads[0].cancelled)
        #expect(try await h.state(runs[0]) == .running)
        await poller.runOnce()
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("maximum run time"), "\(run.stateReason)")
    }

    /// Everything the poller needs is in the store: a new poller (after a restart) resumes tracking.
    @Test func aRestartedPollerResumesTracking() async throws {
        let h = try await ServerTestHarness.make()
        defer { Task { await h.close() } }
        let runs = try await submitted(h, count: 2)
        h.provider.setAllStatuses(ProviderStatus(.completed, exitCode: 0))
        await h.poller().runOnce()
        for run in runs { #expect(try await h.state(run) == .completed) }
    }
}
