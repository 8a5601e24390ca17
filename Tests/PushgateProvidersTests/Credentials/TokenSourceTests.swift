import Foundation
import PushgateCore
import PushgateProviders
import PushgateSigning
import PushgateTestSupport
import Testing

@Suite("Google, Azure and Modal token sources")
struct TokenSourceTests {
    static func form(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test("service-account key: jwt-bearer POST to token_uri with a verifiable assertion; cached token")
    func googleServiceAccount() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-gcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Fixtures.data("google-jwt/google-auth-test-service_account.json")
            .write(to: directory.appendingPathComponent("sa.json"))
        try "[gcp main]\nkey_file = sa.json\ntoken_uri = http://127.0.0.1:8085/token\n"
            .write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        let file = try CredentialsFile.load(path: directory.appendingPathComponent("credentials").path, kinds: CredentialsFileTests.allKinds)

        let http = RecordingHTTPClient { _ in
            RecordingHTTPClient.ok(#"{"access_token":"ya29.token","expires_in":"3599","token_type":"Bearer"}"#)
        }
        let clock = ManualClock(Date(timeIntervalSince1970: 1_767_323_045))
        let provider = try file.gcpTokenProvider(profile: "main", http: http, clock: clock)
        let token = try await provider.token()
        #expect(token.authorizationHeader == "Bearer ya29.token")
        #expect(token.expiresAt == clock.now().addingTimeInterval(3_599))
        _ = try await provider.token()
        #expect(http.requests.count == 1)

        let request = try #require(http.requests.first)
        #expect(request.url == "http://127.0.0.1:8085/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        let fields = Self.form(request.body)
        #expect(fields["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let parts = try #require(fields["assertion"]).split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let payload = try #require(Base64URL.decode(parts[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(claims["iss"] as? String == "service-account@example.com")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect((claims["iat"] as? NSNumber)?.intValue == 1_767_323_045)
        #expect((claims["exp"] as? NSNumber)?.intValue == 1_767_326_645)
        // RS256 is deterministic: re-signing the same input with the fixture key gives the same signature.
        let key = try GoogleServiceAccountKey(
            json: try Fixtures.data("google-jwt/google-auth-test-service_account.json"),
            source: "sa.json"
        ).privateKey(source: "sa.json")
        #expect(try GoogleServiceAccountAssertion.sign(signingInput: parts[0] + "." + parts[1], key: key) == fields["assertion"])
    }

    @Test("token endpoint errors name the endpoint and carry the OAuth error code")
    func googleError() async throws {
        let http = RecordingHTTPClient { _ in
            HTTPResponse(status: 400, body: Data(#"{"error":"invalid_grant","error_description":"Invalid JWT"}"#.utf8))
        }
        let key = try GoogleServiceAccountKey(
            json: try Fixtures.data("google-jwt/google-auth-test-service_account.json"),
            source: "sa.json"
        )
        let provider = try GoogleServiceAccountTokenProvider(key: key, source: "sa.json", http: http, clock: ManualClock())
        let error = await #expect(throws: CredentialsError.self) { try await provider.token() }
        #expect(error?.providerCode == "invalid_grant")
        #expect(error?.httpStatus == 400)
        #expect(error?.description.contains("BEGIN") == false)
    }

    @Test("GCE metadata: Metadata-Flavor both ways")
    func gceMetadata() async throws {
        let http = RecordingHTTPClient { _ in
            RecordingHTTPClient.ok(
                #"{"access_token":"meta","expires_in":1800,"token_type":"Bearer"}"#,
                headers: ["Metadata-Flavor": "Google"]
            )
        }
        let clock = ManualClock()
        let token = try await GCEMetadataTokenProvider(endpoint: "http://127.0.0.1:8086", http: http, clock: clock).token()
        #expect(token.expiresAt == clock.now().addingTimeInterval(1_800))
        #expect(http.requests.first?.headers["Metadata-Flavor"] == "Google")
        #expect(
            http.requests.first?.url == "http://127.0.0.1:8086/computeMetadata/v1/instance/service-accounts/default/token"
        )

        let impostor = RecordingHTTPClient { _ in RecordingHTTPClient.ok(#"{"access_token":"x","expires_in":1}"#) }
        await #expect(throws: CredentialsError.self) {
            try await GCEMetadataTokenProvider(http: impostor, clock: clock).token()
        }
    }

    @Test("Azure client credentials: form POST to {authority}/{tenant}/oauth2/v2.0/token; secret only in the body")
    func azureClientSecret() async throws {
        let file = try CredentialsFile(
            parsing: "[azure a]\ntenant_id = tid\nclient_id = cid\nclient_secret = s3cr&t=\nauthority = http://localhost:8087\n",
            path: "c.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let http = RecordingHTTPClient { _ in
            RecordingHTTPClient.ok(#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"aad"}"#)
        }
        let clock = ManualClock()
        let token = try await file.azureTokenProvider(profile: "a", http: http, clock: clock).token()
        #expect(token.authorizationHeader == "Bearer aad")
        let request = try #require(http.requests.first)
        #expect(request.url == "http://localhost:8087/tid/oauth2/v2.0/token")
        #expect(
            Self.form(request.body) == [
                "grant_type": "client_credentials", "client_id": "cid", "client_secret": "s3cr&t=",
                "scope": "https://management.azure.com/.default",
            ]
        )
        #expect(!String(describing: file).contains("s3cr&t="))
    }

    @Test("Azure managed identity: IMDS GET with Metadata: true, string numbers")
    func azureManagedIdentity() async throws {
        let http = RecordingHTTPClient { _ in
            RecordingHTTPClient.ok(
                #"{"access_token":"mi","expires_in":"86399","expires_on":"1767312000","resource":"https://management.azure.com/","token_type":"Bearer"}"#
            )
        }
        let file = try CredentialsFile(
            parsing: "[azure vm]\nsource = managed_identity\nclient_id = uai\nimds_endpoint = http://127.0.0.1:8088\n",
            path: "c.ini",
            kinds: CredentialsFileTests.allKinds
        )
        let token = try await file.azureTokenProvider(profile: "vm", http: http, clock: ManualClock()).token()
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_767_312_000))
        let request = try #require(http.requests.first)
        #expect(request.headers["Metadata"] == "true")
        #expect(
            request.url
                == "http://127.0.0.1:8088/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F&client_id=uai"
        )
    }

    @Test("Modal: token headers, auth token expiry from the JWT, refreshed halfway")
    func modal() throws {
        let credentials = ModalCredentials(tokenID: "ak-1", tokenSecret: SecretValue("as-SECRET"))
        let received = Date(timeIntervalSince1970: 1_767_225_600)
        let jwt = "e30." + Base64URL.encode(#"{"exp":1767226800}"#) + ".sig"
        let authToken = ModalAuthToken(jwt: jwt, receivedAt: received)
        #expect(authToken.expiresAt == Date(timeIntervalSince1970: 1_767_226_800))
        #expect(authToken.refreshAt == received.addingTimeInterval(600))
        #expect(authToken.refreshMargin == 600)
        let metadata = credentials.metadata(authToken: authToken)
        #expect(
            metadata.map(\.name) == [
                "x-modal-token-id", "x-modal-token-secret", "x-modal-client-type", "x-modal-client-version", "x-modal-auth-token",
            ]
        )
        #expect(metadata[1].value == "as-SECRET")
        #expect(metadata[4].value == jwt)
        #expect(!"\(credentials) \(authToken)".contains("as-SECRET"))
        #expect(ModalAuthToken(jwt: "opaque", receivedAt: received).expiresAt == received.addingTimeInterval(1_200))
    }
}
