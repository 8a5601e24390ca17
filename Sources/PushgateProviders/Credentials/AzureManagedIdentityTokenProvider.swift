import Foundation
import PushgateCore

/// Azure managed identity through the VM IMDS: `GET /metadata/identity/oauth2/token` with `Metadata: true`,
/// `api-version=2018-02-01`, the management resource and an optional user-assigned `client_id`
/// (docs/provider-apis.md §4.5).
package struct AzureManagedIdentityTokenProvider: BearerTokenProvider {
    package static let managementResource = "https://management.azure.com/"

    package var endpoint: String
    package var clientID: String?
    package var resource: String
    package var http: any HTTPClient
    package var clock: any WallClock

    package init(
        endpoint: String? = nil,
        clientID: String? = nil,
        resource: String = AzureManagedIdentityTokenProvider.managementResource,
        http: any HTTPClient,
        clock: any WallClock
    ) {
        self.endpoint = endpoint ?? "http://169.254.169.254"
        self.clientID = clientID
        self.resource = resource
        self.http = http
        self.clock = clock
    }

    package func request() -> HTTPRequest {
        var query: [(String, String)] = [("api-version", "2018-02-01"), ("resource", resource)]
        if let clientID { query.append(("client_id", clientID)) }
        return HTTPRequest(
            method: "GET",
            url: "\(endpoint)/metadata/identity/oauth2/token?\(CredentialEndpoint.formEncode(query))",
            headers: ["Metadata": "true"],
            timeout: 3
        )
    }

    package func token() async throws -> BearerToken {
        let now = clock.now()
        let request = request()
        let purpose = "Azure managed identity token"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        return try AzureClientSecretTokenProvider.parse(response, request: request, purpose: purpose, now: now)
    }
}
