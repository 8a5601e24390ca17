import Foundation
import PushgateCore
import PushgateHTTP
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

/// SigV4 and STS end to end against a real moto_server with signature checking on (docs/build-notes.md §4),
/// through the libcurl client. In CI (`CI=true`) a missing moto fails these tests instead of skipping them.
@Suite("moto: SigV4 and AssumeRole end to end", .enabled(if: MotoServer.isAvailable || MotoServer.isRequired))
struct MotoCredentialsTests {
    static func listClusters(
        _ credentials: AWSCredentials,
        moto: MotoServer,
        http: CurlHTTPClient
    ) async throws -> HTTPResponse {
        let url = moto.endpoint + "/"
        let body = Data("{}".utf8)
        let signed = try AWSSigV4Signer(credentials: credentials, service: "ecs", region: "us-east-1").sign(
            method: "POST",
            url: url,
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"),
            ],
            body: body,
            date: Date()
        )
        return try await http.execute(
            HTTPRequest(method: "POST", url: url, headers: HTTPHeaders(signed.headers), body: body, timeout: 10)
        )
    }

    @Test("a correctly signed ECS ListClusters succeeds; a wrong secret gets 403 SignatureDoesNotMatch")
    func signedAndWrongSecret() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await withCurlHTTPClient { http in
            let good = AWSCredentials(accessKeyID: moto.bootstrap.accessKeyID, secretAccessKey: moto.bootstrap.secretAccessKey)
            let ok = try await Self.listClusters(good, moto: moto, http: http)
            #expect(ok.status == 200, "\(String(decoding: ok.body, as: UTF8.self))")
            #expect(String(decoding: ok.body, as: UTF8.self).contains("clusterArns"))

            var wrong = good
            wrong.secretAccessKey = String(good.secretAccessKey.reversed())
            let refused = try await Self.listClusters(wrong, moto: moto, http: http)
            #expect(refused.status == 403)
            #expect(CredentialEndpoint.providerErrorCode(refused.body) == "SignatureDoesNotMatch")
        }
    }

    @Test("credentials-file role_arn: STS AssumeRole through moto gives session credentials that ECS accepts")
    func assumeRoleEndToEnd() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        let file = try CredentialsFile(
            parsing: moto.credentialsProfile("moto-user") + """
                [aws moto-role]
                role_arn = \(moto.bootstrap.roleARN)
                source_profile = moto-user
                role_session_name = pushgate-test
                duration_seconds = 900
                region = us-east-1
                sts_endpoint = \(moto.endpoint)
                endpoint_url = \(moto.endpoint)
                """,
            path: "moto.ini",
            kinds: CredentialsFileTests.allKinds
        )
        try await withCurlHTTPClient { http in
            let provider = try file.awsCredentialProvider(
                profile: "moto-role",
                environment: [:],
                http: http,
                clock: SystemClock()
            )
            let temporary = try await provider.credentials()
            #expect(temporary.accessKeyID.hasPrefix("ASIA"))
            #expect(temporary.sessionToken?.isEmpty == false)
            #expect(temporary.expiration != nil)

            let ok = try await Self.listClusters(temporary, moto: moto, http: http)
            #expect(ok.status == 200, "\(String(decoding: ok.body, as: UTF8.self))")

            var withoutToken = temporary
            withoutToken.sessionToken = nil
            let refused = try await Self.listClusters(withoutToken, moto: moto, http: http)
            #expect(refused.status == 403)
        }
    }
}
