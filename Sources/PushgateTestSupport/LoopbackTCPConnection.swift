import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call of a ``LoopbackTCPConnection``: the call and its `errno`.
package struct LoopbackTCPError: Error, CustomStringConvertible {
    package var code: Int32
    package var message: String

    package var description: String { "\(message) (errno \(code))" }
}

/// A raw TCP connection to a loopback server, for what no HTTP client sends: a request line trickled a
/// byte at a time, a header block past the server's buffer, a chosen source address (any of 127.0.0.0/8
/// reaches a server on 127.0.0.1 on Linux, and each is a different client to the server). Every wait
/// is bounded; the descriptor is closed by ``close()`` or on deinit.
package final class LoopbackTCPConnection {
    private var fd: Int32

    /// Connects to `127.0.0.1:port`, from `source` (port chosen by the kernel) when given.
    package init(port: UInt16, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackTCPError(code: errno, message: "socket") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let code = errno
                close()
                throw LoopbackTCPError(code: code, message: "bind \(source)")
            }
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        remote.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close()
            throw LoopbackTCPError(code: code, message: "connect 127.0.0.1:\(port)")
        }
    }

    deinit { close() }

    package func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Sends all of `text`; false once the peer has closed or reset the connection (no SIGPIPE).
    @discardableResult
    package func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// What the peer sent until it closed the connection or `timeout` passed; `closed` is true when it
    /// closed (end of stream or reset) within the time.
    package func read(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return (received, false) }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(max(1, left * 1000)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return (received, true) }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// Whether the peer closed the connection within `timeout` (anything it sent first is discarded).
    package func closedByPeer(within timeout: TimeInterval) -> Bool { read(timeout: timeout).closed }

    /// The status code of the first response in `bytes` (`HTTP/1.1 200 OK…`), or nil.
    package static func status(of bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard text.hasPrefix("HTTP/1.") else { return nil }
        let fields = text.split(separator: " ", maxSplits: 2)
        return fields.count > 1 ? Int(fields[1]) : nil
    }
}
