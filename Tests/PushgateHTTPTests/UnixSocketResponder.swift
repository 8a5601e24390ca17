import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server on a unix socket for the transport tests (the project's HTTPServer listens on
/// TCP only): each connection gets one request read up to its blank line and one fixed response, then is
/// closed. Records the request heads it saw.
final class UnixSocketResponder: Sendable {
    let path: String
    private let fd: Int32
    private let heads = Mutex<[String]>([])

    init(response: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString.prefix(8)).sock").path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8CString)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = UInt8(bitPattern: byte) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 8) == 0 else { throw ResponderError(message: "cannot listen on \(path): errno \(errno)") }
        Thread { [self] in serve(response) }.start()
    }

    /// The accept loop; it ends when ``stop()`` closes the listening socket.
    private func serve(_ response: String) {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                received += buffer[0..<count]
            }
            let head = String(decoding: received, as: UTF8.self)
            heads.withLock { $0.append(head) }
            _ = response.withCString { write(connection, $0, strlen($0)) }
            close(connection)
        }
    }

    var requestHeads: [String] { heads.withLock { $0 } }

    /// Closes the listening socket (ending the accept loop) and removes the socket file.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    struct ResponderError: Error {
        var code = "test.unix-socket"
        var message: String
    }
}
