import Foundation
import PushgateCore
import Synchronization

/// A ``ProcessSupervisorClient`` that spawns nothing: attempt directories are entries in a table the test
/// sets up, and every launch and signal is recorded.
final class FakeProcessClient: ProcessSupervisorClient {
    struct State {
        var attempts: [String: ProcessAttemptObservation] = [:]
        var launches: [String] = []
        var signals: [(ProcessIdentity, Int32, Bool)] = []
        var cancelMarks: [String] = []
        var output: [String: Data] = [:]
        /// Pids the fake `/proc` shows, with their start times.
        var live: [Int32: UInt64] = [:]
    }

    let state = Mutex(State())

    func createAttempt(_ directory: String) throws -> Bool {
        state.withLock { state in
            if state.attempts[directory] != nil { return false }
            state.attempts[directory] = ProcessAttemptObservation(lockHeld: false)
            return true
        }
    }

    func launch(_ spec: ProcessLaunchSpec, in directory: String) throws -> Bool {
        state.withLock { state in
            guard let current = state.attempts[directory], Self.launchable(current) else { return false }
            state.launches.append(directory)
            state.attempts[directory] = ProcessAttemptObservation(lockHeld: true, starting: true)
            return true
        }
    }

    func observe(_ directory: String) throws -> ProcessAttemptObservation? {
        state.withLock { state in
            guard var observation = state.attempts[directory] else { return nil }
            if let started = observation.started { observation.commandStartTimeNow = state.live[started.command.pid] }
            return observation
        }
    }

    func markCancelRequested(_ directory: String) throws {
        state.withLock {
            $0.cancelMarks.append(directory)
            $0.attempts[directory]?.cancelRequested = true
        }
    }

    func signal(_ process: ProcessIdentity, _ signal: Int32, group: Bool) throws -> Bool {
        state.withLock { state in
            guard state.live[process.pid] == process.startTime else { return false }
            state.signals.append((process, signal, group))
            return true
        }
    }

    func readOutput(_ directory: String, from offset: Int, maxBytes: Int) throws -> ProcessOutputRead {
        let data = state.withLock { $0.output[directory] } ?? Data()
        let start = min(offset, data.count)
        let end = min(data.count, start + maxBytes)
        return ProcessOutputRead(bytes: data.subdata(in: start..<end), start: start, end: end, total: data.count)
    }

    /// The real client's rule for a launch: not while the lock is held, never where a command was started.
    static func launchable(_ observation: ProcessAttemptObservation) -> Bool {
        !observation.lockHeld && !observation.starting && observation.started == nil && observation.outcome == nil
    }
}
