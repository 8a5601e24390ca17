import Foundation
import PushgateCore
import PushgateHTTPServer
import PushgateSigning

/// A fake `https://oauth2.googleapis.com/token` for the JWT-bearer grant: it verifies the RS256
/// assertion with the registered service account's public key and checks `iss`, `aud`, `scope`, `iat`
/// and `exp` the way Google does, then issues an opaque access token with an expiry (docs/provider-apis.md
/// §3.7, §3.9). Errors use Google's OAuth body `{"error","error_description"}`.
package struct GoogleTokenEndpoint: Sendable {
    package struct Configuration: Sendable {
        /// `client_email` → public key PEM (or the key file's private PEM: its public half is used).
        package var serviceAccounts: [String: String]
        /// The `aud` every assertion must carry (google-auth always uses this one).
        package var audience: String
        /// A scope the assertion must request.
        package var requiredScope: String
        package var tokenLifetime: TimeInterval
        /// How far `iat` may be in the future.
        package var allowedClockSkew: TimeInterval

        package init(
            serviceAccounts: [String: String],
            audience: String = GoogleServiceAccountAssertion.defaultAudience,
            requiredScope: String = GoogleServiceAccountAssertion.cloudPlatformScope,
            tokenLifetime: TimeInterval = 3_599,
            allowedClockSkew: TimeInterval = 300
        ) {
            self.serviceAccounts = serviceAccounts
            self.audience = audience
            self.requiredScope = requiredScope
            self.tokenLifetime = tokenLifetime
            self.allowedClockSkew = allowedClockSkew
        }
    }

    package let configuration: Configuration
    package let tokens: IssuedTokens
    private let verifiers: [String: RS256Verifier]

    package init(configuration: Configuration, tokens: IssuedTokens) throws(EmulatorError) {
        self.configuration = configuration
        self.tokens = tokens
        var verifiers: [String: RS256Verifier] = [:]
        for (email, pem) in configuration.serviceAccounts { verifiers[email] = try RS256Verifier(pem: pem) }
        self.verifiers = verifiers
    }

    /// Answers `POST {token path}`.
    package func handle(_ request: ServerRequest, now: Date) -> ServerResponse {
        guard request.method == "POST" else { return oauthError(405, "invalid_request", "Method not allowed") }
        guard request.headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        let form = FormBody.parse(request.body)
        guard form["grant_type"] == GoogleServiceAccountAssertion.grantType else {
            return oauthError(400, "unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
        guard let assertion = form["assertion"], !assertion.isEmpty else {
            return oauthError(400, "invalid_request", "Missing required parameter: assertion")
        }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claimBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = try? JSONValue.parse(Data(headerBytes)), let claims = try? JSONValue.parse(Data(claimBytes))
        else { return oauthError(400, "invalid_grant", "Invalid JWT: malformed assertion") }
        guard header["alg"]?.stringValue == "RS256" else {
            return oauthError(400, "invalid_grant", "Invalid JWT: unsupported algorithm")
        }
        guard let issuer = claims["iss"]?.stringValue, let verifier = verifiers[issuer] else {
            return oauthError(400, "invalid_grant", "Invalid grant: account not found")
        }
        guard verifier.verify(message: Array("\(parts[0]).\(parts[1])".utf8), signature: signature) else {
            return oauthError(400, "invalid_grant", "Invalid JWT Signature.")
        }
        guard claims["aud"]?.stringValue == configuration.audience else {
            return oauthError(400, "invalid_grant", "Invalid JWT: audience must be \(configuration.audience)")
        }
        let nowSeconds = now.timeIntervalSince1970
        guard let iat = claims["iat"]?.doubleValue, let exp = claims["exp"]?.doubleValue, exp > iat, exp - iat <= 3_600,
            iat <= nowSeconds + configuration.allowedClockSkew, exp > nowSeconds
        else {
            return oauthError(
                400,
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        }
        let scope = claims["scope"]?.stringValue ?? ""
        guard scope.split(separator: " ").contains(Substring(configuration.requiredScope)) else {
            return oauthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        }
        let token = tokens.issue(subject: issuer, scope: scope, lifetime: configuration.tokenLifetime, now: now)
        let body: JSONValue = [
            "access_token": .string(token), "expires_in": .int(Int64(configuration.tokenLifetime)), "token_type": "Bearer",
        ]
        return .json(200, body.serialized())
    }

    private func oauthError(_ status: Int, _ error: String, _ description: String) -> ServerResponse {
        let body: JSONValue = ["error": .string(error), "error_description": .string(description)]
        return .json(status, body.serialized())
    }
}
