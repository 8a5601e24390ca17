import Foundation
import PushgateCore
import PushgateHTTPServer

/// Canned bad behaviour for tests of clients and retry logic.
extension ServerResponse {
    /// Closes the connection without answering (the client sees an empty reply / reset).
    package static let dropConnection = ServerResponse(status: 0, action: .dropConnection)

    /// `response`, sent only after `seconds` (a slow server; clients with shorter timeouts give up).
    package static func slow(_ seconds: TimeInterval, _ response: ServerResponse = ServerResponse()) -> ServerResponse {
        var copy = response
        copy.delay = seconds
        return copy
    }

    /// A 200 whose body is `byteCount` bytes of filler (for response size limits).
    package static func oversized(byteCount: Int) -> ServerResponse {
        ServerResponse(
            status: 200,
            headers: ["Content-Type": "application/octet-stream"],
            body: Data(repeating: UInt8(ascii: "x"), count: byteCount)
        )
    }

    /// A throttling answer: `status` with `Retry-After` in seconds and an optional JSON body.
    package static func throttled(
        status: Int = 429,
        retryAfterSeconds: Int,
        json body: String = "{}"
    ) -> ServerResponse {
        .json(status, body, headers: ["Retry-After": String(retryAfterSeconds)])
    }
}
