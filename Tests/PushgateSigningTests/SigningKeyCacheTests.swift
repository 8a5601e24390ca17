import Foundation
import Testing

@testable import PushgateSigning

/// The derived-key cache (docs/provider-apis.md §2.8 step 5) only memoises: a cached signature equals one made
/// with a freshly derived key, and a new day, secret, region or service derives a new key.
@Suite("SigV4 signing-key cache")
struct SigningKeyCacheTests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
    )
    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask"),
    ]
    static let body = Array(#"{"cluster":"prod","count":1}"#.utf8)
    static let day1 = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z
    static let day1Later = Date(timeIntervalSince1970: 1_767_398_399)  // 2026-01-02T23:59:59Z
    static let day2 = Date(timeIntervalSince1970: 1_767_398_400)  // 2026-01-03T00:00:00Z

    /// The signature recomputed without any cache: the four HMACs of §2.8 step 5, then the final HMAC.
    static func uncachedSignature(_ signer: AWSSigV4Signer, _ signed: AWSSignedRequest) -> String {
        let dateStamp = String(signed.timestamp.prefix(8))
        return HexEncoding.encode(Digest.hmacSHA256(key: signer.signingKey(dateStamp: dateStamp), data: signed.stringToSign))
    }

    func sign(_ signer: AWSSigV4Signer, at date: Date) throws -> AWSSignedRequest {
        try signer.sign(
            method: "POST",
            url: "https://ecs.us-east-1.amazonaws.com/",
            headers: Self.headers,
            body: Self.body,
            date: date
        )
    }

    @Test("a cached key signs exactly as a freshly derived one, first use and reuse alike")
    func cachedEqualsUncached() throws {
        let cache = AWSSigningKeyCache()
        let signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        let first = try sign(signer, at: Self.day1)
        let second = try sign(signer, at: Self.day1)
        #expect(cache.derivationCount == 1)
        #expect(first.signature == Self.uncachedSignature(signer, first))
        #expect(second.authorization == first.authorization)
        // A signer with its own empty cache agrees too.
        let fresh = AWSSigV4Signer(
            credentials: Self.credentials,
            service: "ecs",
            region: "us-east-1",
            keyCache: AWSSigningKeyCache()
        )
        #expect(try sign(fresh, at: Self.day1).authorization == first.authorization)
    }

    @Test("the key is per UTC day: later the same day reuses it, the next day derives a new one")
    func keyedByDate() throws {
        let cache = AWSSigningKeyCache()
        let signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        let morning = try sign(signer, at: Self.day1)
        let evening = try sign(signer, at: Self.day1Later)
        #expect(cache.derivationCount == 1)
        #expect(evening.signature == Self.uncachedSignature(signer, evening))
        let nextDay = try sign(signer, at: Self.day2)
        #expect(cache.derivationCount == 2)
        #expect(nextDay.timestamp == "20260103T000000Z")
        #expect(nextDay.signature == Self.uncachedSignature(signer, nextDay))
        #expect(nextDay.signature != morning.signature)
        // Back to the first day: still cached, still the same signature.
        #expect(try sign(signer, at: Self.day1).authorization == morning.authorization)
        #expect(cache.derivationCount == 2)
    }

    @Test("another secret, region or service derives its own key")
    func keyedByEveryInput() throws {
        let cache = AWSSigningKeyCache()
        var signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        let original = try sign(signer, at: Self.day1)
        var signatures = [original.signature]
        let changes: [(inout AWSSigV4Signer) -> Void] = [
            { $0.region = "eu-west-1" }, { $0.service = "sts" },
            { $0.credentials.secretAccessKey = "rotated/Secret+Key0123456789abcdefghijklm" },
        ]
        for change in changes {
            change(&signer)
            let signed = try sign(signer, at: Self.day1)
            #expect(signed.signature == Self.uncachedSignature(signer, signed))
            signatures.append(signed.signature)
        }
        #expect(cache.derivationCount == 4)
        #expect(Set(signatures).count == 4)
    }

    @Test("a full cache replaces its oldest key and keeps signing correctly")
    func eviction() throws {
        let cache = AWSSigningKeyCache(capacity: 2)
        let signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        let dates = [Self.day1, Self.day2, Self.day2.addingTimeInterval(86_400), Self.day1]
        for date in dates {
            let signed = try sign(signer, at: date)
            #expect(signed.signature == Self.uncachedSignature(signer, signed))
        }
        #expect(cache.count == 2)
        #expect(cache.derivationCount == 4)  // day 1 was evicted by day 3, so it is derived again
    }

    @Test("concurrent signers sharing a cache all get the right signature")
    func concurrentUse() async throws {
        let cache = AWSSigningKeyCache(capacity: 3)
        let signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        let expected = try [Self.day1, Self.day2].map { date in
            try AWSSigV4Signer(
                credentials: Self.credentials,
                service: "ecs",
                region: "us-east-1",
                keyCache: AWSSigningKeyCache()
            ).sign(method: "POST", url: "https://ecs.us-east-1.amazonaws.com/", headers: Self.headers, body: Self.body, date: date)
                .authorization
        }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let date = index % 2 == 0 ? Self.day1 : Self.day2
                    let signed = try signer.sign(
                        method: "POST",
                        url: "https://ecs.us-east-1.amazonaws.com/",
                        headers: Self.headers,
                        body: Self.body,
                        date: date
                    )
                    return signed.authorization == expected[index % 2]
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }

    @Test("the cache, its keys and a signer's dump never show the secret")
    func redaction() throws {
        let cache = AWSSigningKeyCache()
        let signer = AWSSigV4Signer(credentials: Self.credentials, service: "ecs", region: "us-east-1", keyCache: cache)
        _ = try sign(signer, at: Self.day1)
        var dumped = ""
        dump(signer, to: &dumped)
        let key = HMACSHA256Key(Array(Self.credentials.secretAccessKey.utf8))
        for text in [dumped, "\(cache)", String(reflecting: cache), "\(key)", String(reflecting: key)] {
            #expect(!text.contains(Self.credentials.secretAccessKey))
            #expect(!text.contains("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"))
        }
    }
}
