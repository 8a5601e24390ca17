import Foundation

/// A run the policy may pick: only what ordering and limits need.
package struct SelectionCandidate: Sendable, Hashable {
    package var runID: String
    package var queueID: Int64
    package var deploymentID: Int64
    package var scheduledTime: Date

    package init(runID: String, queueID: Int64, deploymentID: Int64, scheduledTime: Date) {
        self.runID = runID
        self.queueID = queueID
        self.deploymentID = deploymentID
        self.scheduledTime = scheduledTime
    }
}
