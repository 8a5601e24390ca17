/// What a ``VertexEmulator`` counted: what the exactly-once and credentials tests assert.
package struct VertexEmulatorStatistics: Sendable, Equatable {
    /// Custom jobs created (every accepted `customJobs.create`).
    package var jobsCreated = 0
    /// Creates per run attempt, keyed `{pushgate-run-id label}/{pushgate-attempt label}`; a job without
    /// those labels is counted under `/`.
    package var createsPerAttempt: [String: Int] = [:]
    /// `:cancel` calls accepted (a job not yet ended).
    package var cancels = 0
    package var lists = 0
    /// Calls refused with 401 (no, unknown or expired token).
    package var unauthorized = 0
    /// Creates refused with 400 and unknown routes.
    package var invalidRequests = 0
    package var tokensIssued = 0

    /// Attempts that got more than one custom job.
    package var duplicatedAttempts: [String] { createsPerAttempt.filter { $0.value > 1 }.keys.sorted() }
}
