import CCrypto
import Foundation
import Testing

@testable import PushgateSigning

/// The signer builds the canonical request and string to sign as bytes, with ASCII fast paths; the String
/// functions of `AWSSigV4Signer+Canonical.swift` state the rules (docs/provider-apis.md §2.8). Both must agree.
@Suite("SigV4 byte path agrees with the String rules")
struct SigV4BytePathTests {
    static let signer = AWSSigV4Signer(
        credentials: AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "token/with+slash=="
        ),
        service: "service",
        region: "us-east-1"
    )
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    /// Header sets that take every branch: case, trimming, whitespace runs, obs-fold, repeated names,
    /// unsigned headers, empty values, control bytes, and non-ASCII names and values (the String path).
    static let headerSets: [[(name: String, value: String)]] = [
        [],
        [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask")],
        [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
        [("My-Header1", "  a   b \t c  "), ("my-header1", "second"), ("MY-HEADER1", "\tthird\r\n  folded  ")],
        [("  Spaced-Name\t", "v"), ("Zeta", "1"), ("alpha", "2"), ("Alpha", "3"), ("Mid", "")],
        [
            ("User-Agent", "curl/8"), ("Expect", "100-continue"), ("Content-Length", "12"), ("X-Amzn-Trace-Id", "Root=1"),
            ("Authorization", "old"), ("X-Amz-Date", "19990101T000000Z"), ("X-Amz-Security-Token", "old-token"),
            ("Traceparent", "00-x"), ("Keep", "yes"),
        ],
        [("Host", "example.amazonaws.com:8443"), ("x-amz-meta", "a\u{0B}b\u{01}c")],
        [("X-Unicode-Value", "caf\u{E9}  au   lait"), ("Plain", "ascii")],
        [("X-\u{C4}rger", "value"), ("Plain", "ascii")],
        [("x-amz-security-to\u{212A}en", "kelvin sign lower-cases to k"), ("Plain", "ascii")],
        [("Combining", "a \u{301}b  c")],
    ]

    static let urls = [
        "https://ecs.us-east-1.amazonaws.com/", "http://127.0.0.1:5055/", "https://example.amazonaws.com",
        "https://example.amazonaws.com/a/./b/../c//d/?Param2=value2&Param1=value1&b=&a",
        "https://user@example.amazonaws.com:443/path%20with%20space?q=a%20b#fragment",
        "HTTPS://Example.amazonaws.com:80/x", "https://example.amazonaws.com/\u{1234}?\u{E9}=1",
    ]

    @Test("canonical request and string to sign equal the String rules", arguments: urls)
    func agreesWithStringRules(_ url: String) throws {
        for headers in Self.headerSets {
            for method in ["POST", "get", "Pätch"] {
                let body = Array("{\"n\":1}".utf8)
                let signed = try Self.signer.sign(method: method, url: url, headers: headers, body: body, date: Self.date)
                let sent = Array(signed.headers.dropLast())  // without Authorization
                let parts = try AWSSigV4Signer.URLParts(url)
                let (canonicalHeaders, signedHeaders) = AWSSigV4Signer.canonicalHeaders(sent)
                let canonicalRequest = AWSSigV4Signer.canonicalRequest(
                    method: method,
                    canonicalURI: AWSSigV4Signer.canonicalURI(parts.path),
                    canonicalQuery: AWSSigV4Signer.canonicalQueryString(parts.query),
                    canonicalHeaders: canonicalHeaders,
                    signedHeaders: signedHeaders,
                    payloadHash: HexEncoding.encode(Digest.sha256(body))
                )
                #expect(signed.canonicalRequest == canonicalRequest, "\(method) \(url) \(headers)")
                let stringToSign = AWSSigV4Signer.stringToSign(
                    canonicalRequest: canonicalRequest,
                    timestamp: "20150830T123600Z",
                    credentialScope: Self.signer.credentialScope(dateStamp: "20150830")
                )
                #expect(signed.stringToSign == stringToSign)
                #expect(signed.signedHeaders == signedHeaders)
                #expect(
                    signed.authorization
                        == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=\(signedHeaders), Signature=\(signed.signature)"
                )
                let expectedSignature = HexEncoding.encode(
                    Digest.hmacSHA256(key: Self.signer.signingKey(dateStamp: "20150830"), data: stringToSign)
                )
                #expect(signed.signature == expectedSignature)
            }
        }
    }

    @Test(
        "the ASCII URL parser equals the Character parser",
        arguments: urls + [
            "http://h", "http://h:80", "https://h:80", "http://h:8080?x", "https://a@b@c:443#f?x", "ftp://h:443/p",
            "https://[::1]:443/", "https://[::1]/", "http://:80/", "https://h?", "https://h/#", "https://h/p?q#f",
        ]
    )
    func urlParsers(_ url: String) throws {
        #expect(try AWSSigV4Signer.URLParts(url) == (try AWSSigV4Signer.URLParts(characters: url)))
    }

    @Test("malformed URLs throw the same errors on both parsers", arguments: ["no-scheme", "https://", "https:///path", "https://#x"])
    func malformedURLs(_ url: String) {
        let fast = #expect(throws: SigningError.self) { try AWSSigV4Signer.URLParts(url) }
        let general = #expect(throws: SigningError.self) { try AWSSigV4Signer.URLParts(characters: url) }
        #expect(fast == general)
    }

    @Test("a precomputed payload hash signs as the body does")
    func payloadHashOverload() throws {
        let body = Array("payload".utf8)
        let headers: [(name: String, value: String)] = [("Content-Type", "text/plain")]
        let url = "https://example.amazonaws.com/"
        let fromBody = try Self.signer.sign(method: "PUT", url: url, headers: headers, body: body, date: Self.date)
        let fromData = try Self.signer.sign(method: "PUT", url: url, headers: headers, body: Data(body), date: Self.date)
        let fromHash = try Self.signer.sign(
            method: "PUT",
            url: url,
            headers: headers,
            payloadHash: HexEncoding.encode(Digest.sha256(body)),
            date: Self.date
        )
        #expect(fromBody.authorization == fromHash.authorization)
        #expect(fromData.authorization == fromHash.authorization)
        let unsigned = try Self.signer.sign(
            method: "PUT",
            url: url,
            headers: headers,
            payloadHash: "UNSIGNED-PAYLOAD",
            date: Self.date
        )
        #expect(unsigned.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
    }

    @Test("HMAC keys with precomputed states give the one-shot tag for every message, reused or not")
    func hmacKeyReuse() {
        for keyLength in [0, 1, 32, 63, 64, 65, 131] {
            let keyBytes = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let key = HMACSHA256Key(keyBytes)
            for message in ["", "a", String(repeating: "x", count: 55), String(repeating: "y", count: 64), String(repeating: "z", count: 200)] {
                #expect(key.authenticationCode(message) == Self.opensslHMAC(keyBytes, message))
                #expect(key.authenticationCode(message) == HMACSHA256Key(keyBytes).authenticationCode(message))
            }
        }
    }

    /// OpenSSL's own HMAC (EVP_Q_mac), independent of the precomputed states.
    static func opensslHMAC(_ key: [UInt8], _ message: String) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: 32)
        var length = 0
        let keyStorage = key.isEmpty ? [UInt8(0)] : key
        let messageBytes = Array(message.utf8)
        let result = EVP_Q_mac(
            nil,
            "HMAC",
            nil,
            "SHA256",
            nil,
            keyStorage,
            key.count,
            messageBytes,
            messageBytes.count,
            &tag,
            tag.count,
            &length
        )
        #expect(result != nil && length == 32)
        return tag
    }

    @Test("timestamps beyond four-digit years still format")
    func farTimestamps() {
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 253_402_300_799)) == "99991231T235959Z")
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 253_402_300_800)) == "100000101T000000Z")
    }
}
