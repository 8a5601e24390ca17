import Foundation
import PushgateServer
import PushgateTestSupport
import Synchronization
import Testing

@Suite struct WakeSignalTests {
    @Test func aSignalEndsTheWaitBeforeItsDeadline() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        let returned = Flag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await wake.wait(until: clock.now().addingTimeInterval(3600), clock: clock)
                returned.set()
            }
            // The waiter has not returned while neither the deadline nor a signal came.
            try? await Task.sleep(nanoseconds: 50_000_000)
            #expect(!returned.isSet)
            wake.signal()
            await group.waitForAll()
        }
        #expect(returned.isSet)
    }

    @Test func aSignalSentWhileNobodyWaitsIsKeptOnce() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        wake.signal()
        wake.signal()
        // The kept signal ends the first wait at once, without time moving.
        await wake.wait(until: clock.now().addingTimeInterval(3600), clock: clock)
        // Two signals are one: the second wait lasts until its deadline.
        let returned = Flag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await wake.wait(until: clock.now().addingTimeInterval(10), clock: clock)
                returned.set()
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
            #expect(!returned.isSet)
            clock.advance(by: 10)
            await group.waitForAll()
        }
        #expect(returned.isSet)
    }

    @Test func cancellationEndsTheWait() async {
        let clock = ManualClock()
        let wake = WakeSignal()
        let task = Task { await wake.wait(until: clock.now().addingTimeInterval(3600), clock: clock) }
        try? await Task.sleep(nanoseconds: 20_000_000)
        task.cancel()
        await task.value
        // Cancelling did not leave a signal behind: a fresh wait still needs its deadline.
        let returned = Flag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await wake.wait(until: clock.now().addingTimeInterval(1), clock: clock)
                returned.set()
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
            #expect(!returned.isSet)
            clock.advance(by: 1)
            await group.waitForAll()
        }
    }
}

/// Whether a waiter has returned, readable from the test while the waiter's task runs.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
