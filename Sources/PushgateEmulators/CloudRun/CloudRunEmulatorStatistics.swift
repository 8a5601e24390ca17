import PushgateCore

/// What a ``CloudRunEmulator`` accepted, so crash tests can check exactly one workload per run.
package struct CloudRunEmulatorStatistics: Sendable, Equatable {
    /// Jobs created (accepted `jobs.create`).
    package var jobsCreated = 0
    /// Executions started (accepted `jobs.run`): the workloads.
    package var executionsStarted = 0
    /// Creates refused with 409 ALREADY_EXISTS.
    package var duplicateCreates = 0
    package var cancels = 0
    package var jobsDeleted = 0
    package var tokensIssued = 0
    /// Calls refused with 401 (no, unknown or expired token).
    package var unauthorized = 0
    /// Calls refused with 400 for their URL or body shape.
    package var invalidRequests = 0
    package var faultsInjected = 0
    /// Calls per operation (`jobs.create`, `executions.get`, …), faults included.
    package var calls: [String: Int] = [:]

    package init() {}

    /// The workloads: executions started.
    package var workloads: Int { executionsStarted }

    package var json: JSONValue {
        [
            "workloads": .int(Int64(workloads)), "jobsCreated": .int(Int64(jobsCreated)),
            "executionsStarted": .int(Int64(executionsStarted)), "duplicateCreates": .int(Int64(duplicateCreates)),
            "cancels": .int(Int64(cancels)), "jobsDeleted": .int(Int64(jobsDeleted)), "tokensIssued": .int(Int64(tokensIssued)),
            "unauthorized": .int(Int64(unauthorized)), "invalidRequests": .int(Int64(invalidRequests)),
            "faultsInjected": .int(Int64(faultsInjected)), "calls": .object(calls.mapValues { .int(Int64($0)) }),
        ]
    }
}
