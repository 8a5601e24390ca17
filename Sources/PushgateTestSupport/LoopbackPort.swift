import Foundation
import Synchronization

/// Ports on 127.0.0.1 for child servers (moto, PostgreSQL, Prefect, `pushgate serve` in the benchmark) that must
/// be told their port before they start.
///
/// A port learnt by binding port 0 comes from the kernel's ephemeral range, where the next in-process
/// `bind(0)` (every emulator here) may be handed the same port before the slow child binds it; the child
/// then fails and the emulator answers in its place. So ports are taken below that range, from a counter
/// that never repeats within the test process, each checked free by binding it once.
package enum LoopbackPort {
    private static let next = Mutex<Int?>(nil)

    /// A port that was free a moment ago and outside the ephemeral range (``ephemeralLowerBound``).
    package static func free() throws -> UInt16 {
        let lower = 10_000
        let upper = ephemeralLowerBound()
        guard upper - lower > 1_000 else { return try bound(0) }
        for _ in 0..<(upper - lower) {
            let candidate = next.withLock { current -> Int in
                let value = current ?? Int.random(in: lower..<upper)
                current = value + 1 < upper ? value + 1 : lower
                return value
            }
            if let port = try? bound(UInt16(candidate)) { return port }
        }
        return try bound(0)
    }

    /// The first port of `/proc/sys/net/ipv4/ip_local_port_range` (32768 when it cannot be read).
    static func ephemeralLowerBound() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
    }

    /// Binds `port` (0: any) on 127.0.0.1, releases it and returns the port that was bound.
    private static func bound(_ port: UInt16) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EADDRNOTAVAIL) }
        return UInt16(bigEndian: address.sin_port)
    }
}
