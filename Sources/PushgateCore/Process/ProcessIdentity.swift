/// A process as the kernel knows it: pid plus start time (`/proc/PID/stat` field 22, clock ticks since
/// boot), so a recycled pid is never mistaken for the process that was recorded.
package struct ProcessIdentity: Sendable, Hashable, CustomStringConvertible {
    package var pid: Int32
    package var startTime: UInt64

    package init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    package var description: String { "pid \(pid) (start time \(startTime))" }

    /// Field 22 (`starttime`) of a `/proc/PID/stat` line. The command name (field 2) is in parentheses and
    /// may itself hold spaces and parentheses, so fields are counted after the last `)`.
    package static func startTime(statLine: String) -> UInt64? {
        guard let close = statLine.lastIndex(of: ")") else { return nil }
        let fields = statLine[statLine.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // After ")" come field 3 (state) onwards: field 22 is at index 22 - 3.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Field 5 (`pgrp`) of a `/proc/PID/stat` line: the process group.
    package static func processGroup(statLine: String) -> Int32? {
        guard let close = statLine.lastIndex(of: ")") else { return nil }
        let fields = statLine[statLine.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 2 else { return nil }
        return Int32(fields[2])
    }

    /// Whether the process now holding `pid` is this one: its current start time must equal the recorded
    /// one. `currentStartTime` is nil when no process has the pid.
    package func isAlive(currentStartTime: UInt64?) -> Bool { currentStartTime == startTime }
}
