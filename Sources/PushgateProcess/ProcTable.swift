import Foundation
import Glibc
import PushgateCore

/// Reads of `/proc`: a process's start time and state, so a recorded pid is checked before it is trusted
/// or signalled.
package enum ProcTable {
    /// The `/proc/PID/stat` line, nil when no process has the pid.
    package static func statLine(_ pid: Int32) -> String? {
        guard pid > 0, let data = try? FileIO.read("/proc/\(pid)/stat") else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The start time of the live process holding `pid`; nil when there is none or it is a zombie (it has
    /// ended and only waits to be reaped).
    package static func startTime(_ pid: Int32) -> UInt64? {
        guard let line = statLine(pid), let close = line.lastIndex(of: ")") else { return nil }
        let state = line[line.index(after: close)...].split(separator: " ").first
        if state == "Z" || state == "X" { return nil }
        return ProcessIdentity.startTime(statLine: line)
    }

    /// This process as the kernel knows it.
    package static func current() -> ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: startTime(pid) ?? 0)
    }

    /// The pids whose command line contains `marker` (tests look for orphans by it).
    package static func pids(withCommandLineContaining marker: String) -> [Int32] {
        let names = (try? FileIO.names(in: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let data = try? FileIO.read("/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(marker)
        }
    }

    /// The pids of the processes in process group `group`.
    package static func members(ofGroup group: Int32) -> [Int32] {
        let names = (try? FileIO.names(in: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let line = statLine(pid), startTime(pid) != nil else { return false }
            return ProcessIdentity.processGroup(statLine: line) == group
        }
    }
}
