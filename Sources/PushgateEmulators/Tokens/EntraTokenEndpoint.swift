import Foundation
import PushgateCore
import PushgateHTTPServer

/// A fake Microsoft Entra ID `POST /{tenant}/oauth2/v2.0/token` for the client-credentials grant: it
/// checks tenant, client id, client secret and the `.default` scope and answers errors with AADSTS codes
/// the way login.microsoftonline.com does (docs/provider-apis.md §4.5).
package struct EntraTokenEndpoint: Sendable {
    /// One registered application (service principal) and its secret.
    package struct Application: Sendable, Equatable {
        package var tenantID: String
        package var clientID: String
        package var clientSecret: String
        package init(tenantID: String, clientID: String, clientSecret: String) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    package static let managementScope = "https://management.azure.com/.default"

    package var applications: [Application]
    package var tokenLifetime: TimeInterval
    package let tokens: IssuedTokens

    package init(applications: [Application], tokenLifetime: TimeInterval = 3_599, tokens: IssuedTokens) {
        self.applications = applications
        self.tokenLifetime = tokenLifetime
        self.tokens = tokens
    }

    /// Whether `path` is `/{tenant}/oauth2/v2.0/token`; returns the tenant.
    package static func tenant(inPath path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[1] == "oauth2", parts[2] == "v2.0", parts[3] == "token" else { return nil }
        return parts[0]
    }

    package func handle(_ request: ServerRequest, tenant: String, now: Date) -> ServerResponse {
        guard request.method == "POST" else { return aadError(405, "invalid_request", 900_561, "The endpoint only accepts POST requests.") }
        let form = FormBody.parse(request.body)
        guard form["grant_type"] == "client_credentials" else {
            return aadError(400, "unsupported_grant_type", 70_003, "The app requested an unsupported grant type.")
        }
        let inTenant = applications.filter { $0.tenantID == tenant }
        guard !inTenant.isEmpty else {
            return aadError(400, "invalid_request", 90_002, "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID.")
        }
        guard let clientID = form["client_id"], let application = inTenant.first(where: { $0.clientID == clientID }) else {
            return aadError(
                400,
                "unauthorized_client",
                700_016,
                "Application with identifier '\(form["client_id"] ?? "")' was not found in the directory '\(tenant)'."
            )
        }
        guard let secret = form["client_secret"], secret == application.clientSecret else {
            return aadError(
                401,
                "invalid_client",
                7_000_215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'."
            )
        }
        guard form["scope"] == EntraTokenEndpoint.managementScope else {
            return aadError(400, "invalid_scope", 70_011, "The provided value for the input parameter 'scope' is not valid.")
        }
        let token = tokens.issue(
            subject: clientID,
            scope: EntraTokenEndpoint.managementScope,
            lifetime: tokenLifetime,
            now: now
        )
        let body: JSONValue = [
            "token_type": "Bearer", "expires_in": .int(Int64(tokenLifetime)), "ext_expires_in": .int(Int64(tokenLifetime)),
            "access_token": .string(token),
        ]
        return .json(200, body.serialized())
    }

    private func aadError(_ status: Int, _ error: String, _ code: Int, _ text: String) -> ServerResponse {
        let body: JSONValue = [
            "error": .string(error), "error_description": .string("AADSTS\(code): \(text)"),
            "error_codes": [.int(Int64(code))], "trace_id": "00000000-0000-0000-0000-000000000000",
            "correlation_id": "00000000-0000-0000-0000-000000000000",
        ]
        return .json(status, body.serialized())
    }
}
