import Foundation
import PushgateCore
import PushgateSigning

/// ECS/EKS container credentials (docs/provider-apis.md §2.9 step 6): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// against `http://169.254.170.2`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, loopback or the
/// container hosts only), with the optional authorization token from the environment or its file.
package struct ECSContainerCredentialProvider: AWSCredentialProvider {
    package var environment: [String: String]
    package var http: any HTTPClient
    /// `http://169.254.170.2` unless a test points it elsewhere.
    package var relativeBase: String

    package init(environment: [String: String], http: any HTTPClient, relativeBase: String = "http://169.254.170.2") {
        self.environment = environment
        self.http = http
        self.relativeBase = relativeBase
    }

    package func request() throws -> HTTPRequest {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = relativeBase + relative
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            let lower = full.lowercased()
            let host = EndpointURL.hostName(Substring(full[(full.range(of: "://")?.upperBound ?? full.startIndex)...]))
            guard
                lower.hasPrefix("https://") || EndpointURL.isLoopback(host)
                    || ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(host)
            else {
                throw CredentialsError(
                    .invalidValue,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI: host \(host) is not allowed (https, loopback or the ECS/EKS hosts)"
                )
            }
            url = full
        } else {
            throw CredentialsError(.notConfigured, "container credentials: AWS_CONTAINER_CREDENTIALS_*_URI is not set")
        }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        var token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CredentialsError(.invalidValue, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: cannot read \(file)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token {
            guard !token.contains("\r"), !token.contains("\n") else {
                throw CredentialsError(.invalidValue, "container credentials: the authorization token contains CR or LF")
            }
            headers.add("Authorization", token)
        }
        return HTTPRequest(method: "GET", url: url, headers: headers, timeout: 2)
    }

    package func credentials() async throws -> AWSCredentials {
        let request = try request()
        let purpose = "container credentials"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        return try ECSContainerCredentialProvider.parse(
            try CredentialEndpoint.jsonObject(response, request: request, purpose: purpose),
            purpose: purpose
        )
    }

    /// `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, shared with IMDS.
    static func parse(_ object: [String: Any], purpose: String) throws -> AWSCredentials {
        guard let keyID = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw CredentialsError(.endpointRejected, "\(purpose): the response has no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyID: keyID,
            secretAccessKey: secret,
            sessionToken: object["Token"] as? String,
            expiration: (object["Expiration"] as? String).flatMap(CredentialEndpoint.date)
        )
    }
}
