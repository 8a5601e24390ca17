/// How a supervised command ended, as its supervisor recorded it: an exit code, or the signal that
/// killed it.
package struct ProcessOutcome: Sendable, Hashable {
    package var exitCode: Int?
    package var signal: Int?

    package init(exitCode: Int? = nil, signal: Int? = nil) {
        self.exitCode = exitCode
        self.signal = signal
    }

    /// The `wait(2)` status decoded (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG), without Glibc's macros.
    package init(waitStatus status: Int32) {
        let low = status & 0x7f
        if low == 0 {
            self.init(exitCode: Int((status >> 8) & 0xff))
        } else {
            self.init(signal: Int(low))
        }
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if let exitCode { members["exit_code"] = .int(Int64(exitCode)) }
        if let signal { members["signal"] = .int(Int64(signal)) }
        return .object(members)
    }

    package init?(json: JSONValue) {
        let exitCode = json["exit_code"]?.intValue.map { Int($0) }
        let signal = json["signal"]?.intValue.map { Int($0) }
        guard exitCode != nil || signal != nil else { return nil }
        self.init(exitCode: exitCode, signal: signal)
    }
}
