import Foundation
import PushgateCore

/// Microsoft Entra ID client-credentials flow: `POST {authority}/{tenant}/oauth2/v2.0/token` with the
/// client secret, scope `https://management.azure.com/.default` (docs/provider-apis.md §4.5).
package struct AzureClientSecretTokenProvider: BearerTokenProvider {
    package static let managementScope = "https://management.azure.com/.default"

    package var tenantID: String
    package var clientID: String
    package var clientSecret: SecretValue
    package var authority: String
    package var scope: String
    package var http: any HTTPClient
    package var clock: any WallClock

    package init(
        tenantID: String,
        clientID: String,
        clientSecret: SecretValue,
        authority: String? = nil,
        scope: String = AzureClientSecretTokenProvider.managementScope,
        http: any HTTPClient,
        clock: any WallClock
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authority = authority ?? "https://login.microsoftonline.com"
        self.scope = scope
        self.http = http
        self.clock = clock
    }

    package func request() -> HTTPRequest {
        let body = CredentialEndpoint.formEncode([
            ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret.value),
            ("scope", scope),
        ])
        return HTTPRequest(
            method: "POST",
            url: "\(authority)/\(tenantID)/oauth2/v2.0/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data(body.utf8),
            timeout: 10
        )
    }

    package func token() async throws -> BearerToken {
        let now = clock.now()
        let request = request()
        let purpose = "Azure client-credentials token for client \(clientID)"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        return try AzureClientSecretTokenProvider.parse(response, request: request, purpose: purpose, now: now)
    }

    /// `access_token` with `expires_on` (epoch seconds) or `expires_in`, numbers possibly as strings.
    package static func parse(_ response: HTTPResponse, request: HTTPRequest, purpose: String, now: Date) throws -> BearerToken {
        let object = try CredentialEndpoint.jsonObject(response, request: request, purpose: purpose)
        guard let token = object["access_token"] as? String, !token.isEmpty else {
            throw CredentialsError(.endpointRejected, "\(purpose): the response has no access_token", httpStatus: response.status)
        }
        if let expiresOn = CredentialEndpoint.number(object["expires_on"]) {
            return BearerToken(token: token, expiresAt: Date(timeIntervalSince1970: expiresOn))
        }
        let expiresIn = CredentialEndpoint.number(object["expires_in"]) ?? 3_600
        return BearerToken(token: token, expiresAt: now.addingTimeInterval(expiresIn))
    }
}
