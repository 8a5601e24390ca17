/// A failure in signing or key handling. The message names the place (function, file, field) and never
/// contains key material; `openSSLError` keeps `ERR_get_error()` where OpenSSL was involved.
package struct SigningError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// A URL the signer could not split into scheme, host, path and query.
        case invalidURL
        /// A PEM or JSON key that could not be read.
        case invalidKey
        /// The key is readable but of the wrong kind (for example not RSA).
        case unsupportedKey
        /// OpenSSL refused to sign or digest.
        case cryptoFailure
        /// A credential value that is missing or malformed.
        case invalidCredentials
    }

    package var code: Code
    /// Names the place and what went wrong; never a secret.
    package var message: String
    /// The first OpenSSL error code (`ERR_get_error()`), when OpenSSL reported one.
    package var openSSLError: UInt?

    package init(_ code: Code, _ message: String, openSSLError: UInt? = nil) {
        self.code = code
        self.message = message
        self.openSSLError = openSSLError
    }

    package var description: String {
        "\(code.rawValue): \(message)" + (openSSLError.map { " (OpenSSL error \(String($0, radix: 16)))" } ?? "")
    }

    package var debugDescription: String { "SigningError(\(description))" }
}
