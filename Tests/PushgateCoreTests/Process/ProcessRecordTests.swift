import PushgateCore
import Testing

/// The pure parts of process tracking: reading `/proc/PID/stat`, recognising a recycled pid, decoding wait
/// statuses and naming signals (docs/provider-apis.md §6.3).
@Suite("Process records: stat lines, identities, wait statuses")
struct ProcessRecordTests {
    /// A real line's shape, with a command name holding spaces and parentheses.
    static let stat =
        "4242 (sh (evil) x) S 4200 4242 4242 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 5749358 2600960 250 "
        + "18446744073709551615 1 1 0 0 0 0 0 0 65538 0 0 0 17 1 0 0 0 0 0"

    @Test func startTimeIsField22CountedAfterTheCommandName() {
        #expect(ProcessIdentity.startTime(statLine: Self.stat) == 5_749_358)
        #expect(ProcessIdentity.processGroup(statLine: Self.stat) == 4242)
        #expect(ProcessIdentity.startTime(statLine: "4242 (sh) S 1 2") == nil)
        #expect(ProcessIdentity.startTime(statLine: "garbage") == nil)
    }

    @Test func aRecycledPidIsNotTheRecordedProcess() {
        let recorded = ProcessIdentity(pid: 4242, startTime: 5_749_358)
        #expect(recorded.isAlive(currentStartTime: 5_749_358))
        #expect(!recorded.isAlive(currentStartTime: 9_000_000), "same pid, later start time: another process")
        #expect(!recorded.isAlive(currentStartTime: nil))
    }

    @Test func waitStatusesDecodeToExitCodesOrSignals() {
        #expect(ProcessOutcome(waitStatus: 0) == ProcessOutcome(exitCode: 0))
        #expect(ProcessOutcome(waitStatus: 3 << 8) == ProcessOutcome(exitCode: 3))
        #expect(ProcessOutcome(waitStatus: 9) == ProcessOutcome(signal: 9))
        #expect(ProcessOutcome(waitStatus: 15 | 0x80) == ProcessOutcome(signal: 15), "a core dump flag keeps the signal")
        #expect(ProcessOutcome(json: ProcessOutcome(exitCode: 7).json) == ProcessOutcome(exitCode: 7))
        #expect(ProcessOutcome(json: [:]) == nil)
    }

    @Test func signalsHaveTheirNames() {
        #expect(SignalName.name(9) == "SIGKILL")
        #expect(SignalName.name(15) == "SIGTERM")
        #expect(SignalName.name(40) == "signal 40")
    }

    @Test func recordsRoundTripThroughJSON() throws {
        let record = ProcessStartRecord(supervisor: ProcessIdentity(pid: 10, startTime: 11), command: ProcessIdentity(pid: 12, startTime: 13))
        #expect(ProcessStartRecord(json: record.json) == record)
        let spec = ProcessLaunchSpec(
            arguments: ["sh", "-c", "exit 0"],
            environment: ["A": "1"],
            workingDirectory: "/tmp",
            logs: LogRotationPolicy(segmentBytes: 10, keptSegments: 2),
            killGrace: 2.5
        )
        #expect(ProcessLaunchSpec(json: spec.json) == spec)
        #expect(ProcessLaunchSpec(json: ["arguments": []]) == nil)
    }
}
