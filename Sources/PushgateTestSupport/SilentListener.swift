import Foundation
import Synchronization

/// A provider that takes connections and never answers: a socket on 127.0.0.1 that listens and never
/// accepts, so the kernel completes each handshake and the client's request waits on silence until its own
/// timeout. Closed by ``close()`` or on deinit.
package final class SilentListener: Sendable {
    package let port: UInt16
    private let descriptor: Mutex<Int32>

    /// `backlog` handshakes are completed before the kernel starts dropping new ones.
    package init(backlog: Int32 = 1024) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard listening else {
            let code = errno
            Foundation.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EADDRNOTAVAIL)
        }
        port = UInt16(bigEndian: address.sin_port)
        descriptor = Mutex(fd)
    }

    deinit { close() }

    package func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Foundation.close(fd) }
            fd = -1
        }
    }
}
