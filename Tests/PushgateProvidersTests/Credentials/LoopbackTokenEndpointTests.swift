import Foundation
import PushgateCore
import PushgateEmulators
import PushgateHTTP
import PushgateHTTPServer
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Synchronization
import Testing

/// Token and credential sources over real sockets: libcurl client against a libmicrohttpd loopback
/// server that checks requests the way the real endpoints do.
@Suite("Token endpoints over loopback HTTP")
struct LoopbackTokenEndpointTests {
    @Test("IMDSv2 and Azure managed identity through the credentials file and libcurl")
    func imdsAndManagedIdentity() async throws {
        let seen = Mutex<[String]>([])
        let handler: HTTPServer.Handler = { request in
            seen.withLock { $0.append("\(request.method) \(request.path)") }
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else { return .text(400, "ttl") }
                return .text(200, "tok-123")
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                guard request.headers["x-aws-ec2-metadata-token"] == "tok-123" else { return .text(401, "") }
                return .text(200, "role-a")
            case ("GET", "/latest/meta-data/iam/security-credentials/role-a"):
                guard request.headers["x-aws-ec2-metadata-token"] == "tok-123" else { return .text(401, "") }
                return .json(
                    200,
                    #"{"Code":"Success","AccessKeyId":"ASIALOOP","SecretAccessKey":"ls","Token":"lt","Expiration":"2099-01-01T00:00:00Z"}"#
                )
            case ("GET", "/metadata/identity/oauth2/token"):
                guard request.headers["Metadata"] == "true", request.queryValue("api-version") == "2018-02-01",
                    request.queryValue("resource") == "https://management.azure.com/"
                else { return .json(400, #"{"error":"invalid_request"}"#) }
                return .json(200, #"{"access_token":"mi-token","expires_in":"86399","expires_on":"4070908800","token_type":"Bearer"}"#)
            default:
                return .text(404, "")
            }
        }
        try await withHTTPServer(handler: handler) { server in
            let file = try CredentialsFile(
                parsing: """
                    [aws ec2]
                    source = chain
                    imds_endpoint = \(server.baseURL)
                    [azure vm]
                    source = managed_identity
                    imds_endpoint = \(server.baseURL)
                    """,
                path: "loop.ini",
                kinds: CredentialsFileTests.allKinds
            )
            try await withCurlHTTPClient { http in
                let home = FileManager.default.temporaryDirectory.appendingPathComponent("pg-empty-\(UUID().uuidString)").path
                let aws = try file.awsCredentialProvider(profile: "ec2", environment: ["HOME": home], http: http, clock: SystemClock())
                let credentials = try await aws.credentials()
                #expect(credentials.accessKeyID == "ASIALOOP")
                #expect(credentials.sessionToken == "lt")

                let azure = try file.azureTokenProvider(profile: "vm", http: http, clock: SystemClock())
                #expect(try await azure.token().authorizationHeader == "Bearer mi-token")
            }
        }
        #expect(seen.withLock { $0 }.count == 4)
    }
}
