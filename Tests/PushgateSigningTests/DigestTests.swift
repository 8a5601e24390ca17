import Foundation
import PushgateSigning
import Testing

@Suite("Digests and encodings")
struct DigestTests {
    @Test("SHA-256 of the empty body is the SigV4 constant")
    func emptySHA256() {
        #expect(
            HexEncoding.encode(Digest.sha256([UInt8]()))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        #expect(
            HexEncoding.encode(Digest.sha256("abc"))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
    }

    @Test("HMAC-SHA256 matches RFC 4231 test cases 1, 2 and 6 (key longer than the block)")
    func hmacRFC4231() {
        let case1 = Digest.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), data: "Hi There")
        #expect(HexEncoding.encode(case1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let case2 = Digest.hmacSHA256(key: Array("Jefe".utf8), data: "what do ya want for nothing?")
        #expect(HexEncoding.encode(case2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let case6 = Digest.hmacSHA256(
            key: [UInt8](repeating: 0xaa, count: 131),
            data: "Test Using Larger Than Block-Size Key - Hash Key First"
        )
        #expect(HexEncoding.encode(case6) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("HMAC with an empty key equals OpenSSL's")
    func hmacEmptyKey() {
        // openssl dgst -sha256 -hmac "" <<< -n "" ; python hmac.new(b"", b"", sha256)
        #expect(
            HexEncoding.encode(Digest.hmacSHA256(key: [], data: ""))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        )
    }

    @Test("hex and base64url round trips")
    func encodings() {
        #expect(HexEncoding.encode([0x00, 0xff, 0x10]) == "00ff10")
        #expect(HexEncoding.decode("00FF10") == [0x00, 0xff, 0x10])
        #expect(HexEncoding.decode("0g") == nil)
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.encode("{\"alg\":\"RS256\"}") == "eyJhbGciOiJSUzI1NiJ9")
    }

    @Test("timestamps are UTC basic ISO 8601")
    func timestamps() {
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 951_825_599.9)) == "20000229T115959Z")
        #expect(AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: 1_767_225_600)) == "20260101T000000Z")
    }
}
