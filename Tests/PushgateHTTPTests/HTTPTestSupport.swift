import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTPServer
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Records every request a loopback server handled, for assertions after the call.
final class RequestRecorder: Sendable {
    private let storage = Mutex<[ServerRequest]>([])

    func record(_ request: ServerRequest) { storage.withLock { $0.append(request) } }
    var requests: [ServerRequest] { storage.withLock { $0 } }

    /// A loopback server that records every request here and answers each with `response`.
    func server(answering response: ServerResponse = .text(200, "ok")) throws -> HTTPServer {
        try HTTPServer { request in
            self.record(request)
            return response
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: TimeInterval = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
}

/// Runs `body` and returns the transport error it threw (or records an issue when it threw none).
func transportError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> HTTPClientError? {
    do {
        try await body()
        Issue.record("expected an HTTPClientError, got a response", sourceLocation: sourceLocation)
        return nil
    } catch let error as HTTPClientError {
        return error
    } catch {
        Issue.record("expected an HTTPClientError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A TCP socket on 127.0.0.1 that listens but never accepts or reads: the kernel completes the TCP
/// handshake, then nothing is ever answered (a hung server, or a TLS endpoint stuck in its handshake).
final class SilentListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}

/// A port on 127.0.0.1 with nothing listening (bound once, then closed).
func closedLoopbackPort() throws -> UInt16 {
    let listener = try SilentListener()
    return listener.port
}
