/// The process IO a `process` pool needs, behind a protocol so the provider's decisions are tested without
/// spawning anything. The real one (`PushgateProcess`) starts `pushgate exec-run` as a supervisor in its own
/// session; attempt directories are named by idempotency key, so creating one exclusively is the claim.
package protocol ProcessSupervisorClient: Sendable {
    /// Creates `directory` (and its parents) exclusively: false when it already exists.
    func createAttempt(_ directory: String) throws -> Bool

    /// Writes `spec` and starts the supervisor for it while holding the directory's lock, unless a command
    /// was ever started there (a `starting` marker) or the lock is held: then nothing starts and it answers
    /// false.
    func launch(_ spec: ProcessLaunchSpec, in directory: String) throws -> Bool

    /// The attempt's state on disk and in `/proc`; nil when the directory does not exist.
    func observe(_ directory: String) throws -> ProcessAttemptObservation?

    /// Records that a cancel was asked for (the supervisor then kills the group after its grace period).
    func markCancelRequested(_ directory: String) throws

    /// Sends `signal` to `process` (or to its process group when `group`), after checking in `/proc` that
    /// the pid still has the recorded start time; false when the process is gone or recycled.
    func signal(_ process: ProcessIdentity, _ signal: Int32, group: Bool) throws -> Bool

    /// Up to `maxBytes` of the attempt's output from absolute `offset` (see ``LogRotationPolicy``).
    func readOutput(_ directory: String, from offset: Int, maxBytes: Int) throws -> ProcessOutputRead
}
