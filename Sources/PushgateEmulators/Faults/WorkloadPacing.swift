import Foundation

/// How an emulated workload moves from pending to running to finished: after a number of status reads
/// (deterministic tests) or after wall-clock durations (demos, `pushgate emulate`).
package enum WorkloadPacing: Sendable, Equatable {
    /// Pending for the first `pending` reads, running for the next `running`, finished afterwards.
    case perPoll(pending: Int, running: Int)
    /// Pending for `pending` seconds after creation, running for `running` more, finished afterwards.
    case timed(pending: TimeInterval, running: TimeInterval)

    package enum Phase: Sendable, Equatable { case pending, running, finished }

    /// The phase after `reads` status reads, `elapsed` seconds after creation.
    package func phase(reads: Int, elapsed: TimeInterval) -> Phase {
        switch self {
        case .perPoll(let pending, let running):
            if reads <= pending { return .pending }
            return reads <= pending + running ? .running : .finished
        case .timed(let pending, let running):
            if elapsed < pending { return .pending }
            return elapsed < pending + running ? .running : .finished
        }
    }
}
