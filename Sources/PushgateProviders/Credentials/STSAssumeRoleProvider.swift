import Foundation
import PushgateCore
import PushgateSigning

/// STS AssumeRole over the Query protocol: a SigV4-signed form POST with an XML answer
/// (docs/provider-apis.md §2.9 "STS AssumeRole").
package struct STSAssumeRoleProvider: AWSCredentialProvider {
    package var base: any AWSCredentialProvider
    package var roleARN: String
    package var sessionName: String
    package var externalID: String?
    package var durationSeconds: Int
    package var region: String
    /// `https://sts.{region}.amazonaws.com` unless overridden.
    package var endpoint: String
    package var http: any HTTPClient
    package var clock: any WallClock

    package init(
        base: any AWSCredentialProvider,
        role: AWSProfile.AssumeRole,
        region: String,
        endpoint: String? = nil,
        http: any HTTPClient,
        clock: any WallClock
    ) {
        self.base = base
        roleARN = role.roleARN
        sessionName = role.sessionName
        externalID = role.externalID
        durationSeconds = role.durationSeconds
        self.region = region
        self.endpoint = endpoint ?? "https://sts.\(region).amazonaws.com"
        self.http = http
        self.clock = clock
    }

    /// The signed request (exposed for dry runs and tests).
    package func request(with baseCredentials: AWSCredentials) throws -> HTTPRequest {
        var fields = [
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)),
        ]
        if let externalID { fields.append(("ExternalId", externalID)) }
        let body = Data(CredentialEndpoint.formEncode(fields).utf8)
        let url = endpoint + "/"
        let signer = AWSSigV4Signer(credentials: baseCredentials, service: "sts", region: region)
        let signed = try signer.sign(
            method: "POST",
            url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: body,
            date: clock.now()
        )
        return HTTPRequest(method: "POST", url: url, headers: HTTPHeaders(signed.headers), body: body, timeout: 10)
    }

    package func credentials() async throws -> AWSCredentials {
        let request = try request(with: try await base.credentials())
        let purpose = "STS AssumeRole \(roleARN)"
        let response = try await CredentialEndpoint.send(request, with: http, purpose: purpose)
        try CredentialEndpoint.checkStatus(response, request: request, purpose: purpose)
        let xml = String(decoding: response.body, as: UTF8.self)
        guard let keyID = CredentialEndpoint.xmlValue("AccessKeyId", in: xml),
            let secret = CredentialEndpoint.xmlValue("SecretAccessKey", in: xml),
            let token = CredentialEndpoint.xmlValue("SessionToken", in: xml)
        else {
            throw CredentialsError(
                .endpointRejected,
                "\(purpose): the AssumeRole response has no Credentials",
                httpStatus: response.status
            )
        }
        let expiration = CredentialEndpoint.xmlValue("Expiration", in: xml).flatMap(CredentialEndpoint.date)
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
