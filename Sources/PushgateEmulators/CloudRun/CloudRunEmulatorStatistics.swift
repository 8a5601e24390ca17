import PushgateCore

/// What a ``CloudRunEmulator`` accepted, so crash tests can check exactly one workload per run and
/// limit tests that no more executions ran at once than the pool allows.
package struct CloudRunEmulatorStatistics: Sendable, Equatable {
    /// Jobs created (accepted `jobs.create`).
    package var jobsCreated = 0
    /// Executions started (accepted `jobs.run`): the workloads.
    package var executionsStarted = 0
    /// Creates refused with 409 ALREADY_EXISTS.
    package var duplicateCreates = 0
    package var cancels = 0
    package var jobsDeleted = 0
    /// `jobs.delete` calls refused with 400 FAILED_PRECONDITION because an execution was unfinished.
    package var deletesRefused = 0
    /// Executions unfinished (pending or running) now.
    package var concurrentExecutions = 0
    /// The most executions unfinished at once, counted whenever one starts.
    package var peakConcurrentExecutions = 0
    /// `executions.get` and `jobs.get` answered 404 by `executionNotFoundReads` / `jobNotFoundReads`.
    package var staleNotFounds = 0
    package var tokensIssued = 0
    /// Calls refused with 401 (no, unknown or expired token).
    package var unauthorized = 0
    /// Calls refused with 400 for their URL or body shape.
    package var invalidRequests = 0
    package var faultsInjected = 0
    /// Calls per operation (`jobs.create`, `executions.get`, `executions.list`, …), faults included.
    package var calls: [String: Int] = [:]

    package init() {}

    /// The workloads: executions started.
    package var workloads: Int { executionsStarted }

    package var json: JSONValue {
        [
            "workloads": .int(Int64(workloads)), "jobsCreated": .int(Int64(jobsCreated)),
            "executionsStarted": .int(Int64(executionsStarted)), "duplicateCreates": .int(Int64(duplicateCreates)),
            "cancels": .int(Int64(cancels)), "jobsDeleted": .int(Int64(jobsDeleted)), "deletesRefused": .int(Int64(deletesRefused)),
            "concurrentExecutions": .int(Int64(concurrentExecutions)),
            "peakConcurrentExecutions": .int(Int64(peakConcurrentExecutions)), "staleNotFounds": .int(Int64(staleNotFounds)),
            "tokensIssued": .int(Int64(tokensIssued)), "unauthorized": .int(Int64(unauthorized)),
            "invalidRequests": .int(Int64(invalidRequests)), "faultsInjected": .int(Int64(faultsInjected)),
            "calls": .object(calls.mapValues { .int(Int64($0)) }),
        ]
    }
}
