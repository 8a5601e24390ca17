/// A transport failure. Each kind maps to a distinct code so the retry policy can tell an ambiguous
/// failure (the request may have been delivered) from one where nothing was sent.
package struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The connection could not be made (refused, unreachable, DNS); nothing was sent.
        case connectFailed
        /// The connect phase did not finish in time; nothing was sent.
        case connectTimeout
        /// The whole request did not finish in time; it may have reached the server.
        case timeout
        /// The connection was reset or closed mid-exchange; the request may have reached the server.
        case connectionReset
        /// The response body exceeded the configured limit.
        case responseTooLarge
        /// TLS could not be established or the certificate was not trusted.
        case tls
        /// The caller cancelled the request.
        case cancelled
        /// A URL or option the transport refused before sending anything.
        case invalidRequest
        /// Any other transport error.
        case other
    }

    package var code: Code
    /// A message naming the request (method and URL without query) and what happened; never a secret.
    package var message: String
    /// The underlying library's result code (for libcurl, a `CURLcode`), when there is one.
    package var underlyingCode: Int?

    package init(_ code: Code, _ message: String, underlyingCode: Int? = nil) {
        self.code = code
        self.message = message
        self.underlyingCode = underlyingCode
    }

    /// True when the request may have been delivered: a non-idempotent call must be looked up, not re-sent.
    package var isAmbiguous: Bool {
        switch code {
        case .timeout, .connectionReset, .responseTooLarge, .other: return true
        case .connectFailed, .connectTimeout, .tls, .cancelled, .invalidRequest: return false
        }
    }

    package var description: String {
        "\(code.rawValue): \(message)" + (underlyingCode.map { " (code \($0))" } ?? "")
    }
}
