/// Modal's token id (`ak-…`) and secret (`as-…`), and the metadata every RPC carries
/// (docs/provider-apis.md §5.2). The gRPC client that sends them lives elsewhere.
package struct ModalCredentials: Sendable, Equatable, CustomStringConvertible {
    /// `CLIENT_TYPE_LIBMODAL_GO`: mimic an official client type (a custom value may be rejected).
    package static let clientType = "9"
    package static let clientVersion = "1.0.0"

    package var tokenID: String
    package var tokenSecret: SecretValue

    package init(tokenID: String, tokenSecret: SecretValue) {
        self.tokenID = tokenID
        self.tokenSecret = tokenSecret
    }

    /// The metadata for an RPC; `authToken` (from AuthTokenGet) goes on every RPC except AuthTokenGet itself.
    package func metadata(authToken: ModalAuthToken? = nil) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("x-modal-token-id", tokenID), ("x-modal-token-secret", tokenSecret.value),
            ("x-modal-client-type", ModalCredentials.clientType),
            ("x-modal-client-version", ModalCredentials.clientVersion),
        ]
        if let authToken { fields.append(("x-modal-auth-token", authToken.token.value)) }
        return fields
    }

    package var description: String { "ModalCredentials(tokenID: \(tokenID), tokenSecret: <redacted>)" }
}
