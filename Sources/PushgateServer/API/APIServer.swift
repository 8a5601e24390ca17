import Foundation
import PushgateCore
import PushgateHTTPServer
import Synchronization

/// The HTTP API on libmicrohttpd: bearer-token authentication (every route but `/health`), body size
/// limits, and a bridge from the server's connection threads to the async ``APIRouter``. The web pages
/// under `/ui/` go to the ``UIRouter``, which authenticates by session cookie instead.
package final class APIServer: Sendable {
    package struct Configuration: Sendable {
        package var host: String = "127.0.0.1"
        package var port: UInt16 = 4200
        /// Accepted bearer tokens; empty refuses every authenticated route.
        package var tokens: [String] = []
        /// Largest request body accepted (413 beyond).
        package var maxBodySize: Int = 1 << 20
        /// Most simultaneous connections from one client address (``HTTPServerConfiguration/maxConnectionsPerClient``;
        /// 0 = no limit): 64 of the server's 512, so one peer trickling headers cannot lock the others out.
        package var maxConnectionsPerClient: UInt32 = 64
        /// `/metrics` without a token, for a Prometheus that scrapes without credentials (off by default).
        package var metricsPublic = false
        /// Hides secrets in the dry-run requests the run pages show (the CLI passes the providers' redaction).
        package var redact: @Sendable (HTTPRequest) -> HTTPRequest = UIRouter.redactHeaders
        package init() {}
    }

    private let server: HTTPServer
    package var port: UInt16 { server.port }
    package var baseURL: String { server.baseURL }

    package init(configuration: Configuration, router: APIRouter, logger: Logger) throws {
        var serverConfiguration = HTTPServerConfiguration()
        serverConfiguration.host = configuration.host
        serverConfiguration.port = configuration.port
        serverConfiguration.maxRequestBodySize = configuration.maxBodySize
        serverConfiguration.maxConnectionsPerClient = configuration.maxConnectionsPerClient
        let tokens = configuration.tokens.map { Array($0.utf8) }
        let metricsPublic = configuration.metricsPublic
        let log = logger.with([("component", "api")])
        let pages = UIRouter(
            api: router,
            tokens: configuration.tokens,
            secureCookies: !APIServer.isLoopback(configuration.host),
            redact: configuration.redact
        )
        server = try HTTPServer(configuration: serverConfiguration) { request in
            if UIRouter.owns(request.path) {
                let response = APIServer.blockingHandle { await pages.handle(request) }
                log.debug("page", [("method", request.method), ("path", request.path), ("status", String(response.status))])
                return response
            }
            let open = request.path == "/health" || (metricsPublic && request.path == "/metrics")
            if !open && !APIServer.authorized(request.headers["Authorization"], tokens: tokens) {
                log.info("unauthorized request", [("method", request.method), ("path", request.path)])
                return APIRouter.error(APIError(401, "missing or invalid bearer token"))
                    .with(header: "WWW-Authenticate", "Bearer")
            }
            let response = APIServer.blockingHandle { await router.handle(request) }
            log.debug("request", [("method", request.method), ("path", request.path), ("status", String(response.status))])
            return response
        }
    }

    package func stop() { server.stop(gracePeriod: 2) }

    /// Runs the async router from libmicrohttpd's connection thread, which must block until the answer is
    /// ready (one thread per connection, so only that connection waits). The task is unstructured because
    /// a C callback thread has no task to be a child of; it is awaited right here.
    static func blockingHandle(_ handler: @escaping @Sendable () async -> ServerResponse) -> ServerResponse {
        let box = Mutex<ServerResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let response = await handler()
            box.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 }!
    }

    /// 127.0.0.0/8, `::1` and `localhost`: where plain HTTP is the norm, so cookies go without `Secure`.
    package static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// `Bearer <token>` compared with every configured token in constant time (no early exit on the first
    /// differing byte, so response time does not reveal a prefix). The scheme is case-insensitive
    /// (RFC 9110 §11.1).
    package static func authorized(_ header: String?, tokens: [[UInt8]]) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let presented = Array(header.dropFirst(7).drop { $0 == " " }.utf8)
        var matched = false
        for token in tokens {
            var difference = UInt8(token.count == presented.count ? 0 : 1)
            for i in 0..<token.count { difference |= token[i] ^ (i < presented.count ? presented[i] : 0) }
            if difference == 0 { matched = true }
        }
        return matched
    }
}
