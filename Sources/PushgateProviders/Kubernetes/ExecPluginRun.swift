import Foundation
import Synchronization

/// One plugin process: its exit status and both outputs, gathered by the termination handler and two
/// reader threads, handed to the one waiter once all three are in, or as `timedOut` when the timeout fires first.
final class ExecPluginRun: Sendable {
    enum Outcome: Sendable {
        case exited(Int32, Data, Data)
        case timedOut
    }
    private struct State {
        var output = Data()
        var errors = Data()
        var openPipes = 2
        var status: Int32?
        var outcome: Outcome?
        var waiter: CheckedContinuation<Outcome, Never>?
    }
    private let state = Mutex(State())

    func read(_ handle: FileHandle, standardError: Bool) {
        Thread { [self] in
            let data = handle.readDataToEndOfFile()
            settle { state in
                if standardError { state.errors = data } else { state.output = data }
                state.openPipes -= 1
            }
        }
        .start()
    }

    func exited(_ status: Int32) { settle { $0.status = status } }

    /// Kills a plugin that is still running and ends the wait at once (a child it left holding the pipes
    /// does not keep the gateway waiting).
    func timedOut(pid: Int32) {
        settle { state in
            guard state.outcome == nil else { return }
            if state.status == nil { kill(pid, SIGKILL) }
            state.outcome = .timedOut
        }
    }

    func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func settle(_ change: (inout State) -> Void) {
        let resume = state.withLock { state -> (CheckedContinuation<Outcome, Never>, Outcome)? in
            change(&state)
            if state.outcome == nil, let status = state.status, state.openPipes == 0 {
                state.outcome = .exited(status, state.output, state.errors)
            }
            guard let outcome = state.outcome, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, outcome)
        }
        if let (waiter, outcome) = resume { waiter.resume(returning: outcome) }
    }
}
