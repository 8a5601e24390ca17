import Foundation

/// One entry of a run's append-only state history.
package struct StateTransition: Sendable, Hashable {
    package var runID: String
    /// `nil` for the entry that created the run.
    package var from: RunState?
    package var to: RunState
    package var at: Date
    package var reason: String

    package init(runID: String, from: RunState?, to: RunState, at: Date, reason: String) {
        self.runID = runID
        self.from = from
        self.to = to
        self.at = at
        self.reason = reason
    }
}
