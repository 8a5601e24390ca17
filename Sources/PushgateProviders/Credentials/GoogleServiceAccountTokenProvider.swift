import Foundation
import PushgateCore
import PushgateSigning

/// Exchanges a service-account JWT assertion for an access token: `POST token_uri` with
/// `grant_type=jwt-bearer` (docs/provider-apis.md §3.7).
package struct GoogleServiceAccountTokenProvider: BearerTokenProvider {
    package var key: GoogleServiceAccountKey
    private let privateKey: RSAPrivateKey
    package var tokenURI: String
    package var scopes: [String]
    package var http: any HTTPClient
    package var clock: any WallClock

    /// - Parameter source: where the key came from (its file), for error messages.
    package init(
        key: GoogleServiceAccountKey,
        source: String,
        tokenURI: String? = nil,
        scopes: [String] = [GoogleServiceAccountAssertion.cloudPlatformScope],
        http: any HTTPClient,
        clock: any WallClock
    ) throws {
        self.key = key
        privateKey = try key.privateKey(source: source)
        self.tokenURI = tokenURI ?? key.tokenURI ?? GoogleServiceAccountAssertion.defaultAudience
        self.scopes = scopes
        self.http = http
        self.clock = clock
    }

    package func request(at date: Date) throws -> HTTPRequest {
        let assertion = try GoogleServiceAccountAssertion(issuer: key.clientEmail, keyID: key.privateKeyID, scopes: scopes)
            .assertion(issuedAt: date, key: privateKey)
        return HTTPRequest(
            method: "POST",
            url: tokenURI,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data(GoogleServiceAccountAssertion.tokenRequestBody(assertion: assertion).utf8),
            timeout: 10
        )
    }

    package func token() async throws -> BearerToken {
        let now = clock.now()
        let request = try request(at: now)
        let purpose = "Google token exchange for \(key.clientEmail)"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        return try GoogleServiceAccountTokenProvider.parse(response, request: request, purpose: purpose, now: now)
    }

    /// `{"access_token","expires_in"(number or string),"token_type"}`.
    package static func parse(_ response: HTTPResponse, request: HTTPRequest, purpose: String, now: Date) throws -> BearerToken {
        let object = try CredentialEndpoint.jsonObject(response, request: request, purpose: purpose)
        guard let token = object["access_token"] as? String, !token.isEmpty else {
            throw CredentialsError(.endpointRejected, "\(purpose): the response has no access_token", httpStatus: response.status)
        }
        let expiresIn = CredentialEndpoint.number(object["expires_in"]) ?? 3_600
        return BearerToken(token: token, expiresAt: now.addingTimeInterval(expiresIn))
    }
}
