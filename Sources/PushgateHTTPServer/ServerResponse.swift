import Foundation
import PushgateCore

/// What a ``HTTPServer`` handler answers: a response, possibly after a delay, or a dropped
/// connection (for tests of how clients survive misbehaving servers).
package struct ServerResponse: Sendable, Equatable {
    package enum Action: Sendable, Equatable {
        /// Send the status, headers and body.
        case respond
        /// Close the connection without a response (the handler returns `MHD_NO`).
        case dropConnection
    }

    package var status: Int
    /// Response headers. libmicrohttpd sets `Content-Length`, `Date` and `Connection` itself.
    package var headers: HTTPHeaders
    package var body: Data
    /// Trailer fields sent after the body; when any are given the body goes out chunked.
    package var trailers: HTTPHeaders
    /// Send the body with chunked transfer coding and no `Content-Length` (as a streaming server does).
    package var chunked: Bool
    /// Time to wait on the connection's thread before acting; cut short when the server stops.
    package var delay: TimeInterval
    package var action: Action

    package init(
        status: Int = 200,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        trailers: HTTPHeaders = [:],
        chunked: Bool = false,
        delay: TimeInterval = 0,
        action: Action = .respond
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.chunked = chunked || !trailers.fields.isEmpty
        self.delay = delay
        self.action = action
    }

    /// A JSON response: `body` is sent as given with `Content-Type: application/json`.
    package static func json(_ status: Int = 200, _ body: String, headers: HTTPHeaders = [:]) -> ServerResponse {
        var all = headers
        if all["Content-Type"] == nil { all.add("Content-Type", "application/json") }
        return ServerResponse(status: status, headers: all, body: Data(body.utf8))
    }

    /// A plain-text response.
    package static func text(_ status: Int = 200, _ body: String, headers: HTTPHeaders = [:]) -> ServerResponse {
        var all = headers
        if all["Content-Type"] == nil { all.add("Content-Type", "text/plain; charset=utf-8") }
        return ServerResponse(status: status, headers: all, body: Data(body.utf8))
    }

    /// Returns this response with `header` set (replacing any earlier value).
    package func with(header name: String, _ value: String) -> ServerResponse {
        var copy = self
        copy.headers.replace(name, value)
        return copy
    }
}
