import Foundation
import PushgateServer
import PushgateTestSupport
import Synchronization
import Testing

@Suite struct WakeSignalTests {
    @Test func aSignalEndsTheWaitBeforeItsDeadline() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        await expectWaitEnds(wake, clock, deadline: 3600) { wake.signal() }
    }

    @Test func aSignalSentWhileNobodyWaitsIsKeptOnce() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        wake.signal()
        wake.signal()
        // The kept signal ends the first wait at once, without time moving.
        await wake.wait(until: clock.now().addingTimeInterval(3600), clock: clock)
        // Two signals are one: the second wait lasts until its deadline.
        await expectWaitEnds(wake, clock, deadline: 10) { clock.advance(by: 10) }
    }

    @Test func cancellationEndsTheWait() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        let task = Task { await wake.wait(until: clock.now().addingTimeInterval(3600), clock: clock) }
        try? await Task.sleep(nanoseconds: 20_000_000)
        task.cancel()
        await task.value
        // Cancelling did not leave a signal behind: a fresh wait still needs its deadline.
        await expectWaitEnds(wake, clock, deadline: 1) { clock.advance(by: 1) }
    }

    /// Starts a wait `deadline` seconds long, checks it is still waiting a moment later, then runs `release`
    /// and checks that the wait returns.
    private func expectWaitEnds(_ wake: WakeSignal, _ clock: ManualClock, deadline: TimeInterval, after release: () -> Void) async {
        let returned = Flag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await wake.wait(until: clock.now().addingTimeInterval(deadline), clock: clock)
                returned.set()
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
            #expect(!returned.isSet)
            release()
            await group.waitForAll()
        }
        #expect(returned.isSet)
    }
}

/// Whether a waiter has returned, readable from the test while the waiter's task runs.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
