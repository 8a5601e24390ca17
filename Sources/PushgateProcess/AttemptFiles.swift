/// The files of one attempt directory (docs/provider-apis.md §6.2): who writes each and when.
package enum AttemptFiles {
    /// Held (an OFD write lock) by the launching gateway, then by the supervisor until it has recorded the
    /// outcome: a free lock means nothing is running there any more.
    package static let lock = "lock"
    /// The launch spec, written by the gateway before the supervisor starts.
    package static let spec = "spec.json"
    /// Written by the supervisor just before it spawns the command: from then on it is never started again.
    package static let starting = "starting"
    /// Supervisor and command pid and start time, written once the command runs.
    package static let started = "started.json"
    /// The command's exit code or signal, written by the supervisor after it reaped the command.
    package static let outcome = "outcome.json"
    /// Written by the provider's cancel; the supervisor SIGKILLs the group after the grace period.
    package static let cancelRequested = "cancel-requested"
    /// The supervisor's own messages (spawn failures).
    package static let supervisorLog = "supervisor.log"
}
