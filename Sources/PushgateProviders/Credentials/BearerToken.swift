import Foundation

/// An OAuth2 access token (Google, Azure) and when it stops working. The token is redacted in every
/// description; `authorizationHeader` is what a request sends.
package struct BearerToken: Sendable, Equatable, CustomStringConvertible {
    package var token: SecretValue
    package var expiresAt: Date

    package init(token: String, expiresAt: Date) {
        self.token = SecretValue(token)
        self.expiresAt = expiresAt
    }

    /// `Bearer <token>`.
    package var authorizationHeader: String { "Bearer \(token.value)" }
    package var description: String { "BearerToken(<redacted>, expiresAt: \(expiresAt))" }
}
