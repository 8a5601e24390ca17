import Foundation
import PushgateCore

/// The jobs and executions a ``CloudRunV1Emulator`` holds, and what it counted.
struct CloudRunV1EmulatorState {
    struct Job {
        var name: String
        var body: JSONValue
        var reads = 0
        var executions: [String] = []
        var missingImage: Bool
    }
    struct Execution {
        var name: String
        var job: String
        var createTime: Date
        var reads = 0
        var notFoundReads = 0
        var outcome: WorkloadOutcome
        var completionTime: Date?
        var cancelled = false
    }
    var jobs: [String: Job] = [:]
    var executions: [String: Execution] = [:]
    var suffix = 0
    var jobsCreated = 0
    var duplicateCreates = 0
    var executionsStarted = 0
    var executionsDeleted = 0
    var invalidRequests = 0
    /// Calls refused with 401 (no, unknown or expired token).
    var unauthorized = 0
}
