import CMicroHTTPD
import Foundation
import PushgateCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server built on libmicrohttpd
/// (https://www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html): the production API of
/// `pushgate serve` runs on it, and so do the provider emulators. A synchronous handler answers each
/// request; each connection has its own thread (MHD_USE_THREAD_PER_CONNECTION), so a handler may block or sleep without holding up other
/// connections. Request bodies are collected in full, up to a size limit, before the handler runs.
///
/// ```swift
/// let server = try HTTPServer { request in
///     request.path == "/v1/ping" ? .json(200, #"{"ok":true}"#) : .text(404, "no route")
/// }
/// defer { server.stop() }
/// ```
package final class HTTPServer: Sendable {
    /// Runs on the connection's thread, once per request, with the body complete.
    package typealias Handler = @Sendable (ServerRequest) -> ServerResponse

    package let configuration: HTTPServerConfiguration
    /// The bound TCP port (the kernel's choice when the configuration asked for 0).
    package let port: UInt16
    private let core: HTTPServerCore
    private let daemon: Mutex<OpaquePointer?>

    package init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        self.configuration = configuration
        let core = HTTPServerCore(maxRequestBodySize: configuration.maxRequestBodySize, handler: handler)
        self.core = core
        let (socket, port) = try HTTPServer.listen(
            host: configuration.host,
            port: configuration.port,
            backlog: configuration.listenBacklog
        )
        self.port = port
        // poll(2), not select(2): a select-based daemon closes every connection whose descriptor is past
        // FD_SETSIZE (1024), which a busy process (the gateway, or the test runner) reaches.
        let flags =
            MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_POLL_INTERNAL_THREAD.rawValue | MHD_USE_ITC.rawValue
        let coreContext = Unmanaged.passUnretained(core).toOpaque()
        let coreArgument = OpaquePointer(coreContext)
        // MHD_start_daemon is variadic; its va_list twin takes (option, value…) pairs ending in END. Enum
        // options travel as int; function pointers as raw pointers.
        let arguments: [any CVarArg] = [
            Int32(MHD_OPTION.LISTEN_SOCKET.rawValue), socket,
            Int32(MHD_OPTION.CONNECTION_TIMEOUT.rawValue), configuration.idleConnectionTimeout,
            Int32(MHD_OPTION.CONNECTION_LIMIT.rawValue), configuration.maxConnections,
            Int32(MHD_OPTION.PER_IP_CONNECTION_LIMIT.rawValue), configuration.maxConnectionsPerClient,
            Int32(MHD_OPTION.NOTIFY_COMPLETED.rawValue),
            OpaquePointer(unsafeBitCast(httpServerRequestCompleted as MHD_RequestCompletedCallback, to: UnsafeRawPointer.self)),
            coreArgument,
            Int32(MHD_OPTION.NOTIFY_CONNECTION.rawValue),
            OpaquePointer(unsafeBitCast(httpServerConnectionNotify as MHD_NotifyConnectionCallback, to: UnsafeRawPointer.self)),
            coreArgument,
            Int32(MHD_OPTION.URI_LOG_CALLBACK.rawValue),
            OpaquePointer(unsafeBitCast(httpServerURILog as HTTPServerURILogCallback, to: UnsafeRawPointer.self)),
            coreArgument,
            Int32(MHD_OPTION.END.rawValue),
        ]
        let started = withVaList(arguments) { list in
            MHD_start_daemon_va(flags, 0, nil, nil, httpServerAccessHandler, coreContext, list)
        }
        guard let started else {
            close(socket)
            throw HTTPServerError(operation: "MHD_start_daemon_va", message: "the daemon did not start")
        }
        daemon = Mutex(started)
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    package var baseURL: String { "http://\(configuration.host):\(port)" }

    /// Request and connection counters.
    package var statistics: HTTPServerStatistics { core.statistics.withLock { $0 } }

    /// Stops the server: it stops accepting connections at once, gives requests in progress up to
    /// `gracePeriod` seconds to finish, then cuts handler delays short, closes every connection and
    /// joins libmicrohttpd's threads. Safe to call more than once.
    package func stop(gracePeriod: TimeInterval = 0) {
        guard
            let running = daemon.withLock({ current -> OpaquePointer? in
                defer { current = nil }
                return current
            })
        else { return }
        let listenSocket = MHD_quiesce_daemon(running)
        if listenSocket >= 0 { close(listenSocket) }
        let deadline = Date().addingTimeInterval(gracePeriod)
        while core.statistics.withLock({ $0.requestsInProgress }) > 0 && Date() < deadline {
            usleep(5_000)
        }
        core.stopping.store(true, ordering: .sequentiallyConsistent)
        MHD_stop_daemon(running)
    }

    /// Binds and listens itself (so the kernel-chosen port is known without the variadic
    /// MHD_get_daemon_info) and hands the socket to libmicrohttpd, which closes it on stop.
    private static func listen(
        host: String,
        port: UInt16,
        backlog: Int32
    ) throws(HTTPServerError) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(operation: "socket", message: "no socket", errno: errno) }
        var reuse: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError(operation: "inet_pton", message: "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError(operation: "bind", message: "\(host):\(port)", errno: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError(operation: "listen", message: "\(host):\(port)", errno: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError(operation: "getsockname", message: "\(host):\(port)", errno: code)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}

/// Counters a test can assert on (e.g. keep-alive: fewer connections than requests).
package struct HTTPServerStatistics: Sendable, Equatable {
    /// TCP connections accepted so far.
    package var connectionsAccepted = 0
    /// Connections open right now.
    package var connectionsOpen = 0
    /// Requests that reached the handler.
    package var requestsHandled = 0
    /// Requests being read or handled right now.
    package var requestsInProgress = 0
    /// Requests refused with 413 for their body size.
    package var requestsRejectedForSize = 0
    /// Requests answered by dropping the connection.
    package var connectionsDropped = 0

    package init() {}
}

/// Scoped server: started before `body`, stopped (threads joined) when `body` returns or throws.
package func withHTTPServer<Result>(
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    handler: @escaping HTTPServer.Handler,
    _ body: (HTTPServer) async throws -> Result
) async throws -> Result {
    let server = try HTTPServer(configuration: configuration, handler: handler)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
