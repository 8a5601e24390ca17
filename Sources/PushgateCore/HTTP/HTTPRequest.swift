import Foundation

/// An outgoing HTTP request as the providers build it and the transport sends it.
package struct HTTPRequest: Sendable, Equatable {
    package var method: String
    package var url: String
    package var headers: HTTPHeaders
    package var body: Data
    /// Total time allowed for this request, overriding the client's default.
    package var timeout: TimeInterval?
    /// Whether sending the request twice is harmless. The retry policy never re-sends a non-idempotent
    /// request after an ambiguous failure (the request may have reached the server).
    package var isIdempotent: Bool
    /// Whether the request carries a token the server deduplicates on (ECS RunTask's `clientToken`,
    /// docs/provider-apis.md §1.3), so a transparent re-send by the transport cannot start a second workload.
    /// Such a request may use a kept-alive connection even when it is not idempotent; the retry policy
    /// still looks its key up before sending it again.
    package var carriesIdempotencyToken: Bool
    /// A unix socket or TLS client certificate to connect with; nil connects to the URL's host as usual.
    package var connection: HTTPConnectionOptions?

    package init(
        method: String,
        url: String,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        timeout: TimeInterval? = nil,
        isIdempotent: Bool = true,
        carriesIdempotencyToken: Bool = false,
        connection: HTTPConnectionOptions? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.isIdempotent = isIdempotent
        self.carriesIdempotencyToken = carriesIdempotencyToken
        self.connection = connection
    }
}

/// A complete HTTP response.
package struct HTTPResponse: Sendable, Equatable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: Data

    package init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
