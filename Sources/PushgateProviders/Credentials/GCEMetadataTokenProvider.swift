import Foundation
import PushgateCore

/// The GCE / Cloud Run / GKE metadata server's default service-account token, with
/// `Metadata-Flavor: Google` both ways (docs/provider-apis.md §3.7).
package struct GCEMetadataTokenProvider: BearerTokenProvider {
    package var endpoint: String
    package var scopes: [String]?
    package var http: any HTTPClient
    package var clock: any WallClock

    package init(endpoint: String? = nil, scopes: [String]? = nil, http: any HTTPClient, clock: any WallClock) {
        self.endpoint = endpoint ?? "http://metadata.google.internal"
        self.scopes = scopes
        self.http = http
        self.clock = clock
    }

    package func request() -> HTTPRequest {
        var url = "\(endpoint)/computeMetadata/v1/instance/service-accounts/default/token"
        if let scopes, !scopes.isEmpty {
            url += "?scopes=" + scopes.map { CredentialEndpoint.formEncode([("", $0)]).dropFirst() }.joined(separator: ",")
        }
        return HTTPRequest(method: "GET", url: url, headers: ["Metadata-Flavor": "Google"], timeout: 3)
    }

    package func token() async throws -> BearerToken {
        let now = clock.now()
        let request = request()
        let purpose = "GCE metadata token"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        if (200..<300).contains(response.status), response.headers["Metadata-Flavor"] != "Google" {
            throw CredentialsError(
                .endpointRejected,
                "\(purpose): \(request.method) \(endpoint) did not answer Metadata-Flavor: Google",
                httpStatus: response.status
            )
        }
        return try GoogleServiceAccountTokenProvider.parse(response, request: request, purpose: purpose, now: now)
    }
}
