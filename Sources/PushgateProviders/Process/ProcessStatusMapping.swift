import PushgateCore

/// The `process` type's decisions from what an attempt directory shows (docs/provider-apis.md §6.3): the
/// run state, and whether a submission may start the command or must adopt what is there. Pure, so the
/// crash cases are tested without spawning.
package enum ProcessStatusMapping {
    /// What a submission does with an attempt directory that already exists.
    package enum Adoption: Sendable, Equatable {
        /// Nothing was ever started there (the gateway died between creating it and launching): start it.
        case launch
        /// A supervisor runs, ran, or may have started the command: track it, never start a second one.
        case adopt
    }

    package static func adoption(_ observation: ProcessAttemptObservation) -> Adoption {
        observation.lockHeld || observation.starting || observation.started != nil || observation.outcome != nil ? .adopt : .launch
    }

    /// The run state of an attempt. `observation` nil: its directory is gone.
    package static func status(_ observation: ProcessAttemptObservation?, cancelRequested: Bool) -> ProviderStatus {
        guard let observation else {
            return cancelRequested
                ? ProviderStatus(.cancelled, reason: "cancelled; the attempt directory is gone")
                : ProviderStatus(.crashed, reason: "the attempt directory is gone, so the command's outcome is unknown")
        }
        let cancelled = cancelRequested || observation.cancelRequested
        if let outcome = observation.outcome { return status(outcome, cancelled: cancelled) }
        if observation.lockHeld {
            return observation.started == nil ? ProviderStatus(.pending, reason: "the supervisor is starting the command") : ProviderStatus(.running)
        }
        // No supervisor holds the lock and none recorded an outcome: it vanished.
        if let started = observation.started, observation.commandAlive {
            return ProviderStatus(
                .running,
                reason: "the supervisor vanished; the command (pid \(started.command.pid)) still runs, its exit status will not be known"
            )
        }
        if cancelled { return ProviderStatus(.cancelled, reason: "cancelled; the supervisor vanished without recording an outcome") }
        if observation.started != nil {
            return ProviderStatus(.crashed, reason: "the supervisor vanished without recording the command's outcome")
        }
        if observation.starting {
            return ProviderStatus(.crashed, reason: "the supervisor vanished while starting the command; it is not started again")
        }
        return ProviderStatus(.crashed, reason: "the supervisor exited before starting the command")
    }

    /// A recorded outcome: exit 0 Completed, another code Failed, a signal Crashed; after a cancel, Cancelled.
    package static func status(_ outcome: ProcessOutcome, cancelled: Bool) -> ProviderStatus {
        let how = describe(outcome)
        if cancelled { return ProviderStatus(.cancelled, exitCode: outcome.exitCode, reason: "cancelled; the command \(how)") }
        if let signal = outcome.signal {
            return ProviderStatus(.crashed, reason: "the command was killed by \(SignalName.name(signal)) (signal \(signal))")
        }
        let code = outcome.exitCode ?? -1
        return code == 0 ? ProviderStatus(.completed, exitCode: 0) : ProviderStatus(.failed, exitCode: code, reason: "the command exited non-zero")
    }

    static func describe(_ outcome: ProcessOutcome) -> String {
        if let signal = outcome.signal { return "was killed by \(SignalName.name(signal)) (signal \(signal))" }
        return "exited with code \(outcome.exitCode ?? -1)"
    }
}
