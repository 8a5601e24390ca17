import Foundation
import PushgateSigning
import PushgateTestSupport
import Testing

@Suite("RS256 and Google assertions")
struct RS256Tests {
    struct RFCVector: Decodable {
        var signing_input: String
        var signature_b64url: String
        var compact_jws: String
    }

    struct GoogleVector: Decodable {
        var iat: Int
        var header_b64url: String
        var claims_b64url: String
        var signature_b64url: String
        var assertion: String
        var claims_json: String
        var token_request: TokenRequest
        struct TokenRequest: Decodable { var body: String }
    }

    @Test("RFC 7515 A.2 signature reproduces with the PKCS#1 and the PKCS#8 PEM", arguments: ["pkcs1", "pkcs8"])
    func rfc7515(_ form: String) throws {
        let vector = try JSONDecoder().decode(RFCVector.self, from: try Fixtures.data("google-jwt/rfc7515-a2-rs256.json"))
        let key = try RSAPrivateKey(pem: try Fixtures.string("google-jwt/rfc7515-a2-rs256.key.\(form).pem"))
        #expect(key.bitCount == 2048)
        let signature = try key.signRS256(Array(vector.signing_input.utf8))
        #expect(Base64URL.encode(signature) == vector.signature_b64url)
        #expect(try GoogleServiceAccountAssertion.sign(signingInput: vector.signing_input, key: key) == vector.compact_jws)
    }

    @Test("google-auth's service-account assertion reproduces byte for byte when signing the same bytes")
    func googleAuthAssertion() throws {
        let vector = try JSONDecoder().decode(GoogleVector.self, from: try Fixtures.data("google-jwt/google-sa-assertion.json"))
        let account = try GoogleServiceAccountKey(
            json: try Fixtures.data("google-jwt/google-auth-test-service_account.json"),
            source: "test key"
        )
        let key = try account.privateKey(source: "test key")
        let input = vector.header_b64url + "." + vector.claims_b64url
        let assertion = try GoogleServiceAccountAssertion.sign(signingInput: input, key: key)
        #expect(assertion == vector.assertion)
        #expect(assertion.split(separator: ".").last.map(String.init) == vector.signature_b64url)
        #expect(GoogleServiceAccountAssertion.tokenRequestBody(assertion: assertion) == vector.token_request.body)
    }

    @Test("our own header and claims carry the same values as google-auth's")
    func ownClaims() throws {
        let vector = try JSONDecoder().decode(GoogleVector.self, from: try Fixtures.data("google-jwt/google-sa-assertion.json"))
        let account = try GoogleServiceAccountKey(
            json: try Fixtures.data("google-jwt/google-auth-test-service_account.json"),
            source: "test key"
        )
        let builder = GoogleServiceAccountAssertion(issuer: account.clientEmail, keyID: account.privateKeyID)
        let issuedAt = Date(timeIntervalSince1970: TimeInterval(vector.iat))
        #expect(builder.headerJSON() == #"{"alg":"RS256","typ":"JWT","kid":"1"}"#)
        let ours = try JSONSerialization.jsonObject(with: Data(builder.claimsJSON(issuedAt: issuedAt).utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(vector.claims_json.utf8)) as? NSDictionary
        #expect(ours == theirs)

        let key = try account.privateKey(source: "test key")
        let assertion = try builder.assertion(issuedAt: issuedAt, key: key)
        let parts = assertion.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        #expect(parts[0] == Base64URL.encode(builder.headerJSON()))
        #expect(Base64URL.decode(parts[2])?.count == 256)
    }

    @Test("bad PEMs fail with a named place and an OpenSSL code, without key material")
    func badKeys() throws {
        let error = #expect(throws: SigningError.self) { try RSAPrivateKey(pem: "not a key", source: "keys/x.pem") }
        #expect(error?.code == .invalidKey)
        #expect(error?.message.contains("keys/x.pem") == true)
        #expect(error?.openSSLError != nil)

        let pem = try Fixtures.string("google-jwt/rfc7515-a2-rs256.key.pkcs8.pem")
        let truncated = String(pem.prefix(300))
        let secondError = #expect(throws: SigningError.self) { try RSAPrivateKey(pem: truncated, source: "truncated") }
        let body = pem.split(separator: "\n").dropFirst().first.map(String.init) ?? "MII"
        #expect(secondError?.description.contains(body) == false)
        #expect(String(describing: try RSAPrivateKey(pem: pem)).contains("redacted"))
    }
}
