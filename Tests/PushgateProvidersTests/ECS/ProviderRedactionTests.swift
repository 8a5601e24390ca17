import Foundation
import PushgateCore
import PushgateProviders
import Testing

/// Redaction of requests for display (docs/provider-apis.md §1.1).
@Suite("Provider request redaction")
struct ProviderRedactionTests {
    @Test("SigV4: the signature is hidden unless kept; the session token always")
    func sigv4() {
        let authorization =
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123"
        let request = HTTPRequest(
            method: "POST",
            url: "https://ecs.us-east-1.amazonaws.com/",
            headers: ["Authorization": authorization, "X-Amz-Security-Token": "IQoJsessiontoken", "X-Amz-Target": "T"]
        )
        let hidden = Redaction.redact(request)
        #expect(
            hidden.headers["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted>"
        )
        #expect(hidden.headers["X-Amz-Security-Token"] == "<redacted>")
        #expect(hidden.headers["X-Amz-Target"] == "T")
        let kept = Redaction.redact(request, keepSignature: true)
        #expect(kept.headers["Authorization"] == authorization)
        #expect(kept.headers["X-Amz-Security-Token"] == "<redacted>")
        #expect(Redaction.redact(hidden) == hidden, "idempotent")
    }

    @Test("bearer tokens, Modal headers and token-request form fields")
    func tokens() {
        let request = HTTPRequest(
            method: "POST",
            url: "https://login.example/token",
            headers: [
                "Authorization": "Bearer ya29.secret", "x-modal-token-secret": "as-secret", "x-modal-auth-token": "jwt",
                "Content-Type": "application/x-www-form-urlencoded",
            ],
            body: Data("grant_type=client_credentials&client_id=abc&client_secret=s3cr3t&client_assertion=eyJ.x.y&assertion=eyJ".utf8)
        )
        let redacted = Redaction.redact(request)
        #expect(redacted.headers["Authorization"] == "Bearer <redacted>")
        #expect(redacted.headers["x-modal-token-secret"] == "<redacted>")
        #expect(redacted.headers["x-modal-auth-token"] == "<redacted>")
        let body = String(decoding: redacted.body, as: UTF8.self)
        #expect(body == "grant_type=client_credentials&client_id=abc&client_secret=<redacted>&client_assertion=<redacted>&assertion=<redacted>")
    }

    @Test("JSON secrets always, environment values only when asked")
    func json() throws {
        let body: JSONValue = [
            "environmentVariables": [["name": "A", "secureValue": "hidden"], ["name": "B", "value": "plain"]],
            "overrides": ["containerOverrides": [["environment": [["name": "K", "value": "v"]]]]],
        ]
        let request = HTTPRequest(method: "PUT", url: "https://x/", headers: ["Content-Type": "application/json"], body: body.data())
        let plain = try JSONValue.parse(Redaction.redact(request).body)
        #expect(plain["environmentVariables"]?.arrayValue?.first?["secureValue"] == "<redacted>")
        #expect(plain["environmentVariables"]?.arrayValue?.last?["value"] == "plain")
        let hidden = try JSONValue.parse(Redaction.redact(request, environmentValues: true).body)
        #expect(hidden["environmentVariables"]?.arrayValue?.last?["value"] == "<redacted>")
        #expect(hidden["overrides"]?["containerOverrides"]?.arrayValue?.first?["environment"]?.arrayValue?.first?["value"] == "<redacted>")
        #expect(hidden["overrides"]?["containerOverrides"]?.arrayValue?.first?["environment"]?.arrayValue?.first?["name"] == "K")
    }
}
