/// A credentials problem: a bad credentials file, a missing profile, or a token endpoint that said no.
/// The message names the place (`FILE:LINE`, key, profile, endpoint) and never contains a secret value.
package struct CredentialsError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The credentials file could not be read or parsed.
        case invalidFile
        /// A key has a bad value (unknown key, wrong type, refused URL); the message names FILE:LINE and key.
        case invalidValue
        /// The named profile is not in the file, or not of the expected kind.
        case unknownProfile
        /// A credential source that is not configured here (for the AWS chain: try the next source).
        case notConfigured
        /// A token or credentials endpoint answered with an error status or an unreadable body.
        case endpointRejected
        /// The transport failed reaching a token or credentials endpoint.
        case transport
    }

    package var code: Code
    package var message: String
    /// The HTTP status of a rejecting endpoint, when there was one.
    package var httpStatus: Int?
    /// The provider's own error code (`SignatureDoesNotMatch`, `invalid_grant`, …) when it sent one.
    package var providerCode: String?

    package init(_ code: Code, _ message: String, httpStatus: Int? = nil, providerCode: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.providerCode = providerCode
    }

    package var description: String {
        var text = message
        if let httpStatus { text += " (HTTP \(httpStatus)" + (providerCode.map { ", \($0)" } ?? "") + ")" }
        return text
    }
    package var debugDescription: String { "CredentialsError(\(description))" }
}
