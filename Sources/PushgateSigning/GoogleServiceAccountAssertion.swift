import Foundation

/// The JWT-bearer assertion a service account posts to its `token_uri` (docs/provider-apis.md §3.7, RFC 7523):
/// header `{"alg":"RS256","typ":"JWT","kid":…}`, claims iss/scope/aud/iat/exp, signed RS256.
/// Pure: the time is a parameter.
package struct GoogleServiceAccountAssertion: Sendable, Equatable {
    /// google-auth always uses this audience, whatever the key file's `token_uri` says.
    package static let defaultAudience = "https://oauth2.googleapis.com/token"
    package static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
    package static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// The service account's `client_email`.
    package var issuer: String
    /// The key file's `private_key_id`; lets Google pick the public key.
    package var keyID: String?
    package var scopes: [String]
    package var audience: String
    /// Only for domain-wide delegation.
    package var subject: String?
    /// Google rejects more than one hour.
    package var lifetime: TimeInterval

    package init(
        issuer: String,
        keyID: String?,
        scopes: [String] = [GoogleServiceAccountAssertion.cloudPlatformScope],
        audience: String = GoogleServiceAccountAssertion.defaultAudience,
        subject: String? = nil,
        lifetime: TimeInterval = 3_600
    ) {
        self.issuer = issuer
        self.keyID = keyID
        self.scopes = scopes
        self.audience = audience
        self.subject = subject
        self.lifetime = min(lifetime, 3_600)
    }

    package func headerJSON() -> String {
        var members = [("alg", JSONText.quote("RS256")), ("typ", JSONText.quote("JWT"))]
        if let keyID { members.append(("kid", JSONText.quote(keyID))) }
        return JSONText.object(members)
    }

    package func claimsJSON(issuedAt date: Date) -> String {
        let iat = Int64(date.timeIntervalSince1970.rounded(.down))
        var members = [
            ("iss", JSONText.quote(issuer)), ("scope", JSONText.quote(scopes.joined(separator: " "))),
            ("aud", JSONText.quote(audience)), ("iat", String(iat)), ("exp", String(iat + Int64(lifetime))),
        ]
        if let subject { members.append(("sub", JSONText.quote(subject))) }
        return JSONText.object(members)
    }

    /// `base64url(header) + "." + base64url(claims)`: the bytes RS256 signs.
    package func signingInput(issuedAt date: Date) -> String {
        Base64URL.encode(headerJSON()) + "." + Base64URL.encode(claimsJSON(issuedAt: date))
    }

    /// The complete assertion `header.claims.signature`.
    package func assertion(issuedAt date: Date, key: RSAPrivateKey) throws -> String {
        try GoogleServiceAccountAssertion.sign(signingInput: signingInput(issuedAt: date), key: key)
    }

    /// Appends the base64url RS256 signature of `signingInput` (RFC 7515 §5.1 steps 5–7).
    package static func sign(signingInput: String, key: RSAPrivateKey) throws -> String {
        signingInput + "." + Base64URL.encode(try key.signRS256(Array(signingInput.utf8)))
    }

    /// The form body for `POST token_uri`.
    package static func tokenRequestBody(assertion: String) -> String {
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)"
    }
}
