import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

@Suite("AWS credential sources")
struct AWSCredentialSourceTests {
    static let stsAnswer = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>ASIATEMP0000EXAMPLE</AccessKeyId>
              <SecretAccessKey>tempSecret/abc+def</SecretAccessKey>
              <SessionToken>FQoGZXIvYXdzE&amp;token==</SessionToken>
              <Expiration>2026-01-01T01:00:00Z</Expiration>
            </Credentials>
            <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ecs-runner/s</Arn></AssumedRoleUser>
          </AssumeRoleResult>
        </AssumeRoleResponse>
        """

    @Test("environment keys, token and expiration")
    func environment() async throws {
        let provider = EnvironmentAWSCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SECURITY_TOKEN": "legacy",
            "AWS_CREDENTIAL_EXPIRATION": "2026-01-01T00:30:00Z",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID == "AKIDENV")
        #expect(credentials.sessionToken == "legacy")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_767_227_400))
        let missing = EnvironmentAWSCredentialProvider(environment: [:])
        await #expect(throws: CredentialsError.self) { try await missing.credentials() }
    }

    @Test("role_arn profile: STS AssumeRole is a signed Query POST, its XML becomes credentials, and the result is cached")
    func assumeRoleThroughCredentialsFile() async throws {
        let file = try CredentialsFile(
            parsing: """
                [aws base]
                access_key_id = AKIDBASE
                secret_access_key = baseSecret
                [aws role]
                role_arn = arn:aws:iam::123456789012:role/ecs-runner
                source_profile = base
                external_id = ext-1
                duration_seconds = 900
                region = eu-west-1
                sts_endpoint = http://127.0.0.1:9999
                """,
            path: "c.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let http = RecordingHTTPClient { _ in RecordingHTTPClient.ok(Self.stsAnswer, headers: ["Content-Type": "text/xml"]) }
        let clock = ManualClock()
        let provider = try file.awsCredentialProvider(profile: "role", environment: [:], http: http, clock: clock)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID == "ASIATEMP0000EXAMPLE")
        #expect(credentials.secretAccessKey == "tempSecret/abc+def")
        #expect(credentials.sessionToken == "FQoGZXIvYXdzE&token==")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_767_229_200))
        _ = try await provider.credentials()
        #expect(http.requests.count == 1)

        let request = try #require(http.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9999/")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fecs-runner"
                + "&RoleSessionName=pushgate&DurationSeconds=900&ExternalId=ext-1"
        )
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDBASE/20260101/eu-west-1/sts/aws4_request"))
        #expect(request.headers["X-Amz-Date"] == "20260101T000000Z")
        // The signature is the one the signer computes for the same request.
        let again = try AWSSigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKIDBASE", secretAccessKey: "baseSecret"),
            service: "sts",
            region: "eu-west-1"
        ).sign(
            method: "POST",
            url: request.url,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: request.body,
            date: clock.now()
        )
        #expect(authorization == again.authorization)

        // 15 minutes before expiry the next call refreshes.
        clock.advance(by: 2_700)
        _ = try await provider.credentials()
        #expect(http.requests.count == 2)
    }

    @Test("STS errors carry the status and code, not the secret")
    func assumeRoleError() async throws {
        let http = RecordingHTTPClient { _ in
            HTTPResponse(
                status: 403,
                body: Data(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error></ErrorResponse>"
                        .utf8
                )
            )
        }
        let provider = STSAssumeRoleProvider(
            base: StaticAWSCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "TOPSECRET")),
            role: .init(roleARN: "arn:aws:iam::1:role/r", sessionName: "s", externalID: nil, durationSeconds: 900, base: .chain),
            region: "us-east-1",
            http: http,
            clock: ManualClock()
        )
        let error = await #expect(throws: CredentialsError.self) { try await provider.credentials() }
        #expect(error?.httpStatus == 403)
        #expect(error?.providerCode == "SignatureDoesNotMatch")
        #expect(error?.description.contains("TOPSECRET") == false)
        #expect(error?.description.contains("https://sts.us-east-1.amazonaws.com/") == true)
    }

    @Test("ECS container credentials: relative URI, authorization token, JSON answer")
    func container() async throws {
        let http = RecordingHTTPClient { _ in
            RecordingHTTPClient.ok(
                #"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cs","Token":"ct","Expiration":"2026-01-01T06:00:00Z"}"#
            )
        }
        let provider = ECSContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok"],
            http: http
        )
        let credentials = try await provider.credentials()
        #expect(credentials.sessionToken == "ct")
        #expect(http.requests.first?.url == "http://169.254.170.2/v2/credentials/abc")
        #expect(http.requests.first?.headers["Authorization"] == "tok")
        #expect(http.requests.first?.headers["Accept"] == "application/json")

        let refused = ECSContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"],
            http: http
        )
        await #expect(throws: CredentialsError.self) { try await refused.credentials() }
        let crlf = ECSContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nb"],
            http: http
        )
        await #expect(throws: CredentialsError.self) { try await crlf.credentials() }
    }

    @Test("IMDSv2: token PUT, role GET, credentials GET, each with the session token")
    func imds() async throws {
        let http = RecordingHTTPClient { request in
            switch (request.method, request.url) {
            case ("PUT", "http://127.0.0.1:1338/latest/api/token"): return RecordingHTTPClient.ok("imds-token")
            case ("GET", "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/"):
                return RecordingHTTPClient.ok("my-role\n")
            case ("GET", "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/my-role"):
                return RecordingHTTPClient.ok(
                    #"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"is","Token":"it","Expiration":"2026-01-01T06:00:00Z"}"#
                )
            default: return HTTPResponse(status: 404)
            }
        }
        let credentials = try await IMDSCredentialProvider(endpoint: "http://127.0.0.1:1338", http: http).credentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        let requests = http.requests
        #expect(requests.count == 3)
        #expect(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(requests[1].headers["x-aws-ec2-metadata-token"] == "imds-token")
        #expect(requests[2].headers["x-aws-ec2-metadata-token"] == "imds-token")
    }

    @Test("the chain skips unconfigured sources in botocore's order and stops at the first that answers")
    func chain() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pg-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = w\n"
            .write(to: home.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
        let unreachable = RecordingHTTPClient { _ in throw HTTPClientError(.connectFailed, "refused") }

        let fromFiles = AWSCredentialChain.standard(
            environment: ["HOME": home.path, "AWS_PROFILE": "work"],
            http: unreachable,
            clock: ManualClock()
        )
        #expect(try await fromFiles.credentials().accessKeyID == "AKIDWORK")

        let fromEnvironment = AWSCredentialChain.standard(
            environment: ["HOME": home.path, "AWS_PROFILE": "work", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"],
            http: unreachable,
            clock: ManualClock()
        )
        #expect(try await fromEnvironment.credentials().accessKeyID == "AKIDENV")

        let explicitProfile = AWSCredentialChain.standard(
            environment: ["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"],
            sharedProfile: "default",
            http: unreachable,
            clock: ManualClock()
        )
        #expect(try await explicitProfile.credentials().accessKeyID == "AKIDDEFAULT")

        let nothing = AWSCredentialChain.standard(
            environment: ["HOME": home.path + "/nowhere"],
            http: unreachable,
            clock: ManualClock(),
            imdsEndpoint: "http://127.0.0.1:1"
        )
        let error = await #expect(throws: CredentialsError.self) { try await nothing.credentials() }
        #expect(error?.code == .notConfigured)
        #expect(unreachable.requests.map(\.method) == ["PUT"])  // only IMDS was tried over HTTP
    }
}
