import PushgateCore
import PushgateProviders
import Testing

/// How an attempt directory's record maps to a run state, and when a submission may start a command
/// (docs/provider-apis.md §6.3): without spawning anything.
@Suite("ProcessStatusMapping: exit codes, signals, vanished supervisors, adoption")
struct ProcessStatusMappingTests {
    static let record = ProcessStartRecord(
        supervisor: ProcessIdentity(pid: 100, startTime: 5_000),
        command: ProcessIdentity(pid: 101, startTime: 5_001)
    )

    @Test func outcomesMapToCompletedFailedCrashed() {
        let completed = ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 0)), cancelRequested: false)
        #expect(completed == ProviderStatus(.completed, exitCode: 0))
        let failed = ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 3)), cancelRequested: false)
        #expect(failed.state == .failed && failed.exitCode == 3)
        let crashed = ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: false, outcome: .init(signal: 11)), cancelRequested: false)
        #expect(crashed.state == .crashed && crashed.reason?.contains("SIGSEGV") == true, "\(crashed)")
    }

    @Test func anyEndAfterACancelIsCancelled() {
        for outcome in [ProcessOutcome(exitCode: 0), ProcessOutcome(signal: 15), ProcessOutcome(signal: 9)] {
            let byTarget = ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: false, outcome: outcome), cancelRequested: true)
            #expect(byTarget.state == .cancelled)
            let byMarker = ProcessStatusMapping.status(
                ProcessAttemptObservation(lockHeld: false, outcome: outcome, cancelRequested: true),
                cancelRequested: false
            )
            #expect(byMarker.state == .cancelled, "a restarted gateway still knows a cancel was asked for")
        }
    }

    @Test func aHeldLockIsPendingUntilTheCommandIsRecorded() {
        #expect(ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: true, starting: true), cancelRequested: false).state == .pending)
        #expect(
            ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: true, starting: true, started: Self.record), cancelRequested: false).state
                == .running
        )
    }

    @Test func aVanishedSupervisorIsCrashedUnlessItsCommandStillRuns() {
        var observation = ProcessAttemptObservation(lockHeld: false, starting: true, started: Self.record, commandStartTimeNow: 5_001)
        let adopted = ProcessStatusMapping.status(observation, cancelRequested: false)
        #expect(adopted.state == .running && adopted.reason?.contains("supervisor vanished") == true)
        // The pid now belongs to another process (a later start time): the command is gone.
        observation.commandStartTimeNow = 9_999
        let recycled = ProcessStatusMapping.status(observation, cancelRequested: false)
        #expect(recycled.state == .crashed && recycled.reason?.contains("without recording") == true, "\(recycled)")
        observation.commandStartTimeNow = nil
        #expect(ProcessStatusMapping.status(observation, cancelRequested: false).state == .crashed)
        let midStart = ProcessStatusMapping.status(ProcessAttemptObservation(lockHeld: false, starting: true), cancelRequested: false)
        #expect(midStart.state == .crashed && midStart.reason?.contains("not started again") == true)
        #expect(ProcessStatusMapping.status(nil, cancelRequested: false).state == .crashed)
        #expect(ProcessStatusMapping.status(nil, cancelRequested: true).state == .cancelled)
    }

    @Test func onlyADirectoryWhereNothingWasEverStartedIsLaunched() {
        #expect(ProcessStatusMapping.adoption(ProcessAttemptObservation(lockHeld: false)) == .launch)
        #expect(ProcessStatusMapping.adoption(ProcessAttemptObservation(lockHeld: true)) == .adopt, "a gateway or supervisor holds it")
        #expect(ProcessStatusMapping.adoption(ProcessAttemptObservation(lockHeld: false, starting: true)) == .adopt)
        #expect(ProcessStatusMapping.adoption(ProcessAttemptObservation(lockHeld: false, started: Self.record)) == .adopt)
        #expect(ProcessStatusMapping.adoption(ProcessAttemptObservation(lockHeld: false, outcome: .init(exitCode: 1))) == .adopt)
    }
}
