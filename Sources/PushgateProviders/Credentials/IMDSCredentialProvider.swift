import Foundation
import PushgateCore
import PushgateSigning

/// EC2 instance-role credentials through IMDSv2 (docs/provider-apis.md §2.9 step 7): PUT a session token,
/// GET the role name, GET the role's credentials, each with `x-aws-ec2-metadata-token`.
package struct IMDSCredentialProvider: AWSCredentialProvider {
    package var endpoint: String
    package var http: any HTTPClient
    package var environment: [String: String]

    package init(endpoint: String? = nil, environment: [String: String] = [:], http: any HTTPClient) {
        self.endpoint = endpoint ?? "http://169.254.169.254"
        self.environment = environment
        self.http = http
    }

    package func credentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw CredentialsError(.notConfigured, "IMDS: disabled by AWS_EC2_METADATA_DISABLED")
        }
        let purpose = "IMDS credentials"
        let tokenRequest = HTTPRequest(
            method: "PUT",
            url: "\(endpoint)/latest/api/token",
            headers: ["x-aws-ec2-metadata-token-ttl-seconds": "21600"],
            timeout: 1
        )
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await http.execute(tokenRequest)
        } catch {
            // Nothing answering on the metadata address: not on EC2, so the chain moves on.
            throw CredentialsError(.notConfigured, "\(purpose): no metadata service at \(endpoint)")
        }
        try CredentialEndpoint.checkStatus(tokenResponse, request: tokenRequest, purpose: purpose)
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let headers: HTTPHeaders = ["x-aws-ec2-metadata-token": token]

        let roleRequest = HTTPRequest(
            method: "GET",
            url: "\(endpoint)/latest/meta-data/iam/security-credentials/",
            headers: headers,
            timeout: 1
        )
        let roleResponse = try await CredentialEndpoint.send(roleRequest, with: http, purpose: purpose)
        if roleResponse.status == 404 {
            throw CredentialsError(.notConfigured, "\(purpose): the instance has no IAM role")
        }
        try CredentialEndpoint.checkStatus(roleResponse, request: roleRequest, purpose: purpose)
        guard let role = String(decoding: roleResponse.body, as: UTF8.self).split(separator: "\n").first.map(String.init)
        else {
            throw CredentialsError(.notConfigured, "\(purpose): the instance has no IAM role")
        }
        let credentialsRequest = HTTPRequest(
            method: "GET",
            url: "\(endpoint)/latest/meta-data/iam/security-credentials/\(role)",
            headers: headers,
            timeout: 1
        )
        let response = try await CredentialEndpoint.send(credentialsRequest, with: http, purpose: purpose)
        let object = try CredentialEndpoint.jsonObject(response, request: credentialsRequest, purpose: purpose)
        if let code = object["Code"] as? String, code != "Success" {
            throw CredentialsError(.endpointRejected, "\(purpose): role \(role) answered Code \(code)", providerCode: code)
        }
        return try ECSContainerCredentialProvider.parse(object, purpose: purpose)
    }
}
