import Foundation
import PushgateCore
import Testing

@Suite struct RunStateMachineTests {
    @Test func happyPath() {
        #expect(RunStateMachine.decide(from: .scheduled, to: .late) == .accept)
        #expect(RunStateMachine.decide(from: .late, to: .pending) == .accept)
        #expect(RunStateMachine.decide(from: .pending, to: .running) == .accept)
        #expect(RunStateMachine.decide(from: .running, to: .completed) == .accept)
        #expect(RunStateMachine.decide(from: .running, to: .crashed) == .accept)
        #expect(RunStateMachine.decide(from: .cancelling, to: .cancelled) == .accept)
    }

    @Test(arguments: RunState.allCases.filter(\.isTerminal))
    func terminalStatesAreFinal(_ terminal: RunState) {
        for target in RunState.allCases where target != terminal {
            if case .reject = RunStateMachine.decide(from: terminal, to: target) {
            } else {
                Issue.record("\(terminal) → \(target) was not rejected")
            }
        }
        #expect(RunStateMachine.decide(from: terminal, to: terminal) == .ignore)
        if case .reject = RunStateMachine.cancel(from: terminal) {} else { Issue.record("cancel of \(terminal) not rejected") }
    }

    @Test func forbiddenShortcuts() {
        for (from, to) in [(RunState.scheduled, RunState.running), (.late, .scheduled), (.running, .pending), (.cancelling, .running)] {
            if case .reject = RunStateMachine.decide(from: from, to: to) {} else { Issue.record("\(from) → \(to) accepted") }
        }
    }

    @Test func cancelActions() {
        #expect(RunStateMachine.cancel(from: .scheduled) == .cancelNow)
        #expect(RunStateMachine.cancel(from: .late) == .cancelNow)
        #expect(RunStateMachine.cancel(from: .pending) == .requestCancelling)
        #expect(RunStateMachine.cancel(from: .running) == .requestCancelling)
        #expect(RunStateMachine.cancel(from: .cancelling) == .alreadyCancelling)
    }

    @Test func queueStatusWindow() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        var queue = WorkQueue(
            id: 1,
            poolID: 1,
            poolName: "p",
            name: "q",
            priority: 1,
            concurrencyLimit: nil,
            isPaused: false,
            lastConsideredAt: nil,
            createdAt: now
        )
        #expect(queue.status(now: now) == .notReady)
        queue.lastConsideredAt = now
        #expect(queue.status(now: now.addingTimeInterval(60)) == .ready)
        #expect(queue.status(now: now.addingTimeInterval(60.5)) == .notReady)
        queue.isPaused = true
        #expect(queue.status(now: now) == .paused)
    }
}
