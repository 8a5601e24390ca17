import Foundation
import Synchronization

/// The state libmicrohttpd's callbacks reach through their `cls` pointer. The server keeps it alive
/// until `MHD_stop_daemon` has returned, so the unretained pointer is valid in every callback.
final class HTTPServerCore: Sendable {
    let maxRequestBodySize: Int
    /// Bytes past the body limit still read (and discarded) so the client sees the 413 rather than a
    /// connection reset; a body larger than that gets the 413 at once.
    static let drainAllowance = 1024 * 1024
    let handler: HTTPServer.Handler
    /// Set when the server stops: cuts handler delays short.
    let stopping = Atomic<Bool>(false)
    let statistics = Mutex(HTTPServerStatistics())
    /// Connection numbers by `MHD_Connection` address, for ``ServerRequest/connectionID``.
    let connectionIDs = Mutex<[UInt: Int]>([:])

    init(maxRequestBodySize: Int, handler: @escaping HTTPServer.Handler) {
        self.maxRequestBodySize = maxRequestBodySize
        self.handler = handler
    }

    /// Sleeps up to `seconds`, waking early when the server stops.
    func pause(_ seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            usleep(useconds_t(min(left, 0.01) * 1_000_000))
        }
    }
}

/// One request's state across the access-handler calls libmicrohttpd makes for it (headers, each
/// body chunk, the final call). Touched only by the connection's own thread.
final class HTTPServerRequestContext {
    let target: String
    var started = false
    var body = Data()
    /// Body bytes seen so far, kept or not.
    var received = 0
    /// The body is over the limit: its remaining bytes are discarded.
    var rejected = false
    /// The 413 is queued.
    var answered = false

    init(target: String) { self.target = target }
}
