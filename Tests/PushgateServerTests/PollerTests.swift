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
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("did not start within 120 s"))
        #expect(h.provider.workloads[0].cancelled)
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
        let run = try await h.store.run(id: runs[0].id)
        #expect(run.state == .crashed && run.stateReason.contains("maximum run time"))
        #expect(h.provider.workloads[0].cancelled)
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
