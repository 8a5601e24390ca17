import Foundation
import PushgateCore

/// The custom jobs a ``VertexEmulator`` holds, and what it counted.
struct VertexEmulatorState {
    struct Job {
        var id: String
        /// The project id it was created under (a path may name it by number).
        var project: String
        var location: String
        var body: JSONValue
        var createTime: Date
        var reads = 0
        var outcome: WorkloadOutcome
        var missingImage: Bool
        /// When `:cancel` was accepted; nil if never.
        var cancelledAt: Date?
        /// Reads since the cancel.
        var readsSinceCancel = 0
        /// The state it ended in, once it has (fixed from then on) and when.
        var ended: (state: String, at: Date)?
        var startTime: Date?
    }
    var jobs: [String: Job] = [:]
    var nextID: UInt64
    var statistics = VertexEmulatorStatistics()

    init(firstID: UInt64) { nextID = firstID }
}
