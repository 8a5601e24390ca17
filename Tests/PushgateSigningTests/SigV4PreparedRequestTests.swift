import Foundation
import PushgateSigning
import Testing

/// A prepared request must sign exactly as the signer does with the same inputs (docs/provider-apis.md §2.8):
/// same headers in the same order, same stages, same Authorization, for every shape the byte path knows.
@Suite("SigV4 prepared requests sign as the signer does")
struct SigV4PreparedRequestTests {
    static let signer = SigV4BytePathTests.signer
    static let date = SigV4BytePathTests.date

    static func expectSame(_ prepared: AWSSignedRequest, _ plain: AWSSignedRequest, _ context: String) {
        #expect(prepared.authorization == plain.authorization, "\(context)")
        #expect(prepared.timestamp == plain.timestamp, "\(context)")
        #expect(prepared.headers.map(\.name) == plain.headers.map(\.name), "\(context)")
        #expect(prepared.headers.map(\.value) == plain.headers.map(\.value), "\(context)")
        #expect(prepared.canonicalRequest == plain.canonicalRequest, "\(context)")
        #expect(prepared.stringToSign == plain.stringToSign, "\(context)")
        #expect(prepared.signedHeaders == plain.signedHeaders, "\(context)")
    }

    @Test("every URL, header set and method of the byte-path tests, with and without the token signed", arguments: SigV4BytePathTests.urls)
    func matchesSigner(_ url: String) throws {
        for headers in SigV4BytePathTests.headerSets {
            for method in ["POST", "get", "Pätch"] {
                for signToken in [true, false] {
                    let prepared = try AWSSigV4PreparedRequest(
                        signer: Self.signer,
                        method: method,
                        url: url,
                        headers: headers,
                        signSecurityToken: signToken
                    )
                    // One preparation, several bodies: nothing of one signature leaks into the next.
                    for body in ["", "{\"n\":1}", String(repeating: "x", count: 300)] {
                        let bytes = Array(body.utf8)
                        let plain = try Self.signer.sign(
                            method: method,
                            url: url,
                            headers: headers,
                            body: bytes,
                            date: Self.date,
                            signSecurityToken: signToken
                        )
                        Self.expectSame(
                            prepared.sign(body: bytes, date: Self.date),
                            plain,
                            "\(method) \(url) \(headers) \(body.count)"
                        )
                    }
                }
            }
        }
    }

    @Test("canonical requests of every length around the pre-hashed blocks")
    func headLengths() throws {
        // The part before the timestamp grows a byte at a time across two SHA-256 block boundaries.
        for length in 0..<140 {
            let headers = [(name: "A-Pad", value: String(repeating: "p", count: length))]
            let prepared = try AWSSigV4PreparedRequest(signer: Self.signer, method: "POST", url: "https://h.example/", headers: headers)
            let plain = try Self.signer.sign(method: "POST", url: "https://h.example/", headers: headers, body: [UInt8](), date: Self.date)
            Self.expectSame(prepared.sign(body: [UInt8](), date: Self.date), plain, "pad \(length)")
        }
    }

    @Test("the day changes at midnight UTC, and a five-digit year takes the plain path")
    func datesAcrossDaysAndYears() throws {
        let url = "https://ecs.us-east-1.amazonaws.com/"
        let headers = [(name: "X-Amz-Target", value: "AmazonEC2ContainerServiceV20141113.RunTask")]
        let prepared = try AWSSigV4PreparedRequest(signer: Self.signer, method: "POST", url: url, headers: headers)
        let times: [TimeInterval] = [
            1_767_311_999, 1_767_312_000, 1_767_311_999, 1_767_398_400, 0, 253_402_300_799, 253_402_300_800,
        ]
        var signatures: Set<String> = []
        for seconds in times {
            let date = Date(timeIntervalSince1970: seconds)
            let plain = try Self.signer.sign(method: "POST", url: url, headers: headers, body: Array("b".utf8), date: date)
            let signed = prepared.sign(body: Array("b".utf8), date: date)
            Self.expectSame(signed, plain, "at \(seconds)")
            signatures.insert(signed.signature)
        }
        #expect(signatures.count == 6, "every distinct time signs differently")
    }

    @Test("a prepared request from another thread signs the same", .timeLimit(.minutes(1)))
    func concurrentSigning() async throws {
        let url = "https://ecs.us-east-1.amazonaws.com/"
        let prepared = try AWSSigV4PreparedRequest(signer: Self.signer, method: "POST", url: url, headers: [])
        let expected = try (0..<4).map { day in
            try Self.signer.sign(
                method: "POST",
                url: url,
                headers: [],
                body: [UInt8](),
                date: Date(timeIntervalSince1970: 1_767_312_000 + Double(day) * 86_400)
            ).authorization
        }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for index in 0..<500 {
                        let day = (worker + index) % 4
                        let date = Date(timeIntervalSince1970: 1_767_312_000 + Double(day) * 86_400)
                        if prepared.sign(body: [UInt8](), date: date).authorization != expected[day] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test("malformed URLs fail to prepare as they fail to sign")
    func malformedURL() {
        #expect(throws: SigningError.self) {
            try AWSSigV4PreparedRequest(signer: Self.signer, method: "POST", url: "no-scheme", headers: [])
        }
    }

    @Test("descriptions and dumps show the method and URL, never the secret or token")
    func redaction() throws {
        let prepared = try AWSSigV4PreparedRequest(
            signer: Self.signer,
            method: "POST",
            url: "https://ecs.us-east-1.amazonaws.com/",
            headers: []
        )
        var dumped = ""
        dump(prepared, to: &dumped)
        for text in [prepared.description, String(reflecting: prepared), dumped, "\(prepared)"] {
            #expect(text.contains("https://ecs.us-east-1.amazonaws.com/"))
            #expect(!text.contains(Self.signer.credentials.secretAccessKey))
            #expect(!text.contains(Self.signer.credentials.sessionToken!))
        }
    }
}
