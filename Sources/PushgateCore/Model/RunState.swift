/// The state of a flow run. Prefect's names and meaning (docs/prefect-semantics.md §5.1); `late` is the named
/// SCHEDULED sub-state, kept as its own value so the store can index it.
package enum RunState: String, Sendable, Hashable, CaseIterable, Codable {
    case scheduled = "SCHEDULED"
    case late = "LATE"
    case pending = "PENDING"
    case running = "RUNNING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case crashed = "CRASHED"
    case cancelling = "CANCELLING"
    case cancelled = "CANCELLED"

    /// Terminal states never change again.
    package var isTerminal: Bool {
        switch self {
        case .completed, .failed, .crashed, .cancelled: return true
        case .scheduled, .late, .pending, .running, .cancelling: return false
        }
    }

    /// States that occupy a concurrency slot (claimed or submitted, and running); docs/design.md "Selection".
    package var isInFlight: Bool { self == .pending || self == .running }

    /// States a claim may take a run from (Prefect's SCHEDULED type: Scheduled and Late).
    package var isSchedulable: Bool { self == .scheduled || self == .late }

    /// The name users see (`Scheduled`, `Late`, ...).
    package var displayName: String {
        switch self {
        case .scheduled: return "Scheduled"
        case .late: return "Late"
        case .pending: return "Pending"
        case .running: return "Running"
        case .completed: return "Completed"
        case .failed: return "Failed"
        case .crashed: return "Crashed"
        case .cancelling: return "Cancelling"
        case .cancelled: return "Cancelled"
        }
    }

    /// Parses a state name in any case (`late`, `Late`, `LATE`).
    package init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    package static let inFlight: [RunState] = [.pending, .running]
    package static let schedulable: [RunState] = [.scheduled, .late]
}
