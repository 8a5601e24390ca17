/// What an attempt directory shows at one moment: the facts the provider decides from
/// (``ProcessAttemptState``), read by a ``ProcessSupervisorClient`` without interpreting them.
package struct ProcessAttemptObservation: Sendable, Hashable {
    /// A live supervisor (or a gateway launching one) holds the directory's lock.
    package var lockHeld: Bool
    /// The supervisor began starting the command (written before the command is spawned).
    package var starting: Bool
    package var started: ProcessStartRecord?
    package var outcome: ProcessOutcome?
    /// The start time `/proc` reports now for the recorded command pid; nil when no process has it.
    package var commandStartTimeNow: UInt64?
    /// A cancel was asked for (the marker the provider writes before signalling).
    package var cancelRequested: Bool

    package init(
        lockHeld: Bool,
        starting: Bool = false,
        started: ProcessStartRecord? = nil,
        outcome: ProcessOutcome? = nil,
        commandStartTimeNow: UInt64? = nil,
        cancelRequested: Bool = false
    ) {
        self.lockHeld = lockHeld
        self.starting = starting
        self.started = started
        self.outcome = outcome
        self.commandStartTimeNow = commandStartTimeNow
        self.cancelRequested = cancelRequested
    }

    /// The recorded command still runs: its pid is held by a process with the recorded start time.
    package var commandAlive: Bool {
        guard let started else { return false }
        return started.command.isAlive(currentStartTime: commandStartTimeNow)
    }
}
