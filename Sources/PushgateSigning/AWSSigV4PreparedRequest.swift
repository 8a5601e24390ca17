import CCrypto
import Foundation
import Synchronization

/// One request shape (method, URL, headers, credentials, region, service) signed many times with other
/// bodies and times: the ECS provider sends every RunTask to the same endpoint with the same two headers.
/// Preparing does once what does not change between its signatures (docs/provider-apis.md §2.8): the URL is
/// parsed, the headers canonicalised and sorted, the canonical request split around the `x-amz-date` value
/// and the payload hash with its leading whole blocks hashed, and the fixed parts of the string to sign and
/// of the Authorization header written. A signature then costs the body's SHA-256, the rest of the
/// canonical request's, one HMAC and three allocations, and equals ``AWSSigV4Signer``'s for the same inputs.
package final class AWSSigV4PreparedRequest: Sendable, CustomStringConvertible, CustomReflectable {
    package let signer: AWSSigV4Signer
    package let method: String
    package let url: String
    /// The caller's headers, for the plain path (a timestamp outside four-digit years).
    private let headers: [(name: String, value: String)]
    private let parts: AWSSigV4Signer.URLParts
    private let signSecurityToken: Bool

    /// The canonical request up to and including `x-amz-date:`.
    private let canonicalHead: [UInt8]
    /// SHA-256 state after the whole 64-byte blocks of ``canonicalHead``, and how many bytes those are.
    private let canonicalHeadState: SHA256_CTX
    private let canonicalHeadHashedCount: Int
    /// From after the timestamp to the payload hash: the other header lines, the signed-header list, `\n`.
    private let canonicalMiddle: [UInt8]
    /// `/{region}/{service}/aws4_request`: the credential scope after its date stamp.
    private let scopeTail: [UInt8]
    /// `AWS4-HMAC-SHA256 Credential={access key id}/`, then the date stamp, then ``authorizationMiddle``.
    private let authorizationHead: [UInt8]
    /// ``scopeTail``, `, SignedHeaders=…, Signature=`; the signature's hex ends the header.
    private let authorizationMiddle: [UInt8]
    /// The lower-case signed header names joined by `;`.
    package let signedHeaders: String
    /// The headers sent before `X-Amz-Date` and between it and `Authorization` (the session token).
    private let headersBeforeDate: [(name: String, value: String)]
    private let headersAfterDate: [(name: String, value: String)]
    /// The signing key of the last date stamp signed (its eight digits as one word), so a signature skips
    /// the shared cache's look-up until the UTC day changes.
    private let lastKey = Mutex<(dateStamp: UInt64, key: HMACSHA256Key)?>(nil)

    private static let timestampLength = 16
    private static let dateStampLength = 8

    /// Fails as ``AWSSigV4Signer/sign(method:url:headers:body:date:signSecurityToken:)`` does: only on a URL
    /// without scheme or host.
    package init(
        signer: AWSSigV4Signer,
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        signSecurityToken: Bool = true
    ) throws {
        let parts = try AWSSigV4Signer.URLParts(url)
        self.signer = signer
        self.method = method
        self.url = url
        self.headers = headers
        self.parts = parts
        self.signSecurityToken = signSecurityToken

        // Sign an empty body at two times whose timestamps differ in their first digit: the canonical requests
        // differ exactly where the `x-amz-date` value lies, and everything else is the same in both.
        func placeholder(_ seconds: TimeInterval) -> (signed: AWSSignedRequest, canonical: [UInt8]) {
            let signed = signer.sign(
                method: method,
                parts: parts,
                headers: headers,
                payload: UnsafeRawBufferPointer(start: nil, count: 0),
                date: Date(timeIntervalSince1970: seconds),
                signSecurityToken: signSecurityToken
            )
            return (signed, Array(signed.canonicalRequest.utf8))
        }
        let first = placeholder(0)  // 19700101T000000Z
        let second = placeholder(31_556_995_200)  // 29700101T000000Z
        let dateStart = first.canonical.indices.first { first.canonical[$0] != second.canonical[$0] }!
        let dateEnd = dateStart + Self.timestampLength
        let payloadStart = first.canonical.count - 2 * Digest.sha256Length
        precondition(
            first.canonical[..<dateStart] == second.canonical[..<dateStart]
                && first.canonical[dateEnd...] == second.canonical[dateEnd...]
                && String(decoding: first.canonical[dateStart..<dateEnd], as: UTF8.self) == first.signed.timestamp,
            "AWSSigV4PreparedRequest: the canonical request does not hold the timestamp once"
        )

        canonicalHead = Array(first.canonical[..<dateStart])
        let wholeBlocks = dateStart / 64 * 64
        var state = SHA256_CTX()
        let hashed = canonicalHead.withUnsafeBytes { head in
            ccrypto_sha256_init(&state) == 1 && ccrypto_sha256_update(&state, head.baseAddress, wholeBlocks) == 1
        }
        precondition(hashed, "SHA256 failed")
        canonicalHeadState = state
        canonicalHeadHashedCount = wholeBlocks
        canonicalMiddle = Array(first.canonical[dateEnd..<payloadStart])

        scopeTail = Array("/\(signer.region)/\(signer.service)/aws4_request".utf8)
        signedHeaders = first.signed.signedHeaders
        authorizationHead = Array("\(AWSSigV4Signer.algorithm) Credential=\(signer.credentials.accessKeyID)/".utf8)
        authorizationMiddle = scopeTail + Array(", SignedHeaders=\(signedHeaders), Signature=".utf8)

        let sent = first.signed.headers
        let dateIndex = sent.firstIndex { $0.name == "X-Amz-Date" }!
        headersBeforeDate = Array(sent[..<dateIndex])
        headersAfterDate = Array(sent[(dateIndex + 1)..<(sent.count - 1)])  // the last one is Authorization
    }

    /// Signs `body` at `date`: the same headers, Authorization and stages as the signer's `sign` with the
    /// inputs this request was prepared with.
    package func sign(body: some ContiguousBytes, date: Date) -> AWSSignedRequest {
        body.withUnsafeBytes { sign(payload: $0, date: date) }
    }

    private func sign(payload: UnsafeRawBufferPointer, date: Date) -> AWSSignedRequest {
        let timestamp = AWSSigV4Signer.timestamp(date)
        guard timestamp.utf8.count == Self.timestampLength else {
            return signer.sign(
                method: method,
                parts: parts,
                headers: headers,
                payload: payload,
                date: date,
                signSecurityToken: signSecurityToken
            )
        }
        let payloadHash = SHA256Digest(of: payload)
        let authorization = ByteWriter.withUTF8(timestamp) { timestamp in
            let capacity =
                canonicalHead.count - canonicalHeadHashedCount + timestamp.count + canonicalMiddle.count + 2 * Digest.sha256Length
                + Self.stringToSignLength(scopeTail: scopeTail.count)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                var out = ByteWriter(buffer)
                // The canonical request after its pre-hashed blocks, hashed on from the saved state.
                canonicalHead.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[canonicalHeadHashedCount...])) }
                out.append(timestamp)
                canonicalMiddle.withUnsafeBufferPointer { out.append($0) }
                payloadHash.withUnsafeBytes { out.appendHex($0) }
                let stringToSignStart = out.count
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Digest.sha256Length) { canonicalHash in
                    var state = canonicalHeadState
                    let hashed =
                        ccrypto_sha256_update(&state, out.base, out.count) == 1
                        && ccrypto_sha256_final(canonicalHash.baseAddress!, &state) == 1
                    precondition(hashed, "SHA256 failed")
                    writeStringToSign(timestamp: timestamp, canonicalHash: UnsafeRawBufferPointer(canonicalHash), into: &out)
                }
                let key = signingKey(timestamp: timestamp)
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Digest.sha256Length) { tag in
                    key.authenticate(
                        UnsafeRawBufferPointer(start: out.base + stringToSignStart, count: out.count - stringToSignStart),
                        into: tag.baseAddress!
                    )
                    let length =
                        authorizationHead.count + Self.dateStampLength + authorizationMiddle.count + 2 * Digest.sha256Length
                    return String(unsafeUninitializedCapacity: length) { buffer in
                        var header = ByteWriter(buffer)
                        authorizationHead.withUnsafeBufferPointer { header.append($0) }
                        header.append(UnsafeBufferPointer(rebasing: timestamp[..<Self.dateStampLength]))
                        authorizationMiddle.withUnsafeBufferPointer { header.append($0) }
                        header.appendHex(UnsafeRawBufferPointer(tag))
                        return header.count
                    }
                }
            }
        }
        // Written element by element: appending arrays of tuples goes through the runtime's generic copies.
        let count = headersBeforeDate.count + headersAfterDate.count + 2
        let sent = [(name: String, value: String)](unsafeUninitializedCapacity: count) { buffer, initialized in
            var slot = buffer.baseAddress!
            for field in headersBeforeDate {
                slot.initialize(to: field)
                slot += 1
            }
            slot.initialize(to: (name: "X-Amz-Date", value: timestamp))
            slot += 1
            for field in headersAfterDate {
                slot.initialize(to: field)
                slot += 1
            }
            slot.initialize(to: (name: "Authorization", value: authorization))
            initialized = count
        }
        return AWSSignedRequest(
            headers: sent,
            dateIndex: headersBeforeDate.count,
            preparedBy: self,
            payloadHash: payloadHash
        )
    }

    /// The key for the timestamp's date stamp: the last one when the day is the same, else from the cache.
    private func signingKey(timestamp: UnsafeBufferPointer<UInt8>) -> HMACSHA256Key {
        let word = UnsafeRawPointer(timestamp.baseAddress!).loadUnaligned(as: UInt64.self)
        if let last = lastKey.withLock({ $0 }), last.dateStamp == word { return last.key }
        let dateStamp = String(decoding: UnsafeBufferPointer(rebasing: timestamp[..<Self.dateStampLength]), as: UTF8.self)
        let key = signer.keyCache.key(
            secret: signer.credentials.secretAccessKey,
            dateStamp: dateStamp,
            region: signer.region,
            service: signer.service
        )
        lastKey.withLock { $0 = (word, key) }
        return key
    }

    /// `AWS4-HMAC-SHA256\n{timestamp}\n{date stamp}{scope tail}\n{hex canonical hash}`.
    private func writeStringToSign(
        timestamp: UnsafeBufferPointer<UInt8>,
        canonicalHash: UnsafeRawBufferPointer,
        into out: inout ByteWriter
    ) {
        out.append("AWS4-HMAC-SHA256\n" as StaticString)
        out.append(timestamp)
        out.append(0x0A)
        out.append(UnsafeBufferPointer(rebasing: timestamp[..<Self.dateStampLength]))
        scopeTail.withUnsafeBufferPointer { out.append($0) }
        out.append(0x0A)
        out.appendHex(canonicalHash)
    }

    private static func stringToSignLength(scopeTail: Int) -> Int {
        17 + timestampLength + 1 + dateStampLength + scopeTail + 1 + 2 * Digest.sha256Length
    }

    /// The canonical request of a signature made at `timestamp` with a body hashing to `payloadHash`.
    func canonicalRequest(timestamp: String, payloadHash: SHA256Digest) -> String {
        String(decoding: canonicalRequestBytes(timestamp: timestamp, payloadHash: payloadHash), as: UTF8.self)
    }

    /// The string to sign of that signature, rebuilt and hashed again.
    func stringToSign(timestamp: String, payloadHash: SHA256Digest) -> String {
        let canonical = canonicalRequestBytes(timestamp: timestamp, payloadHash: payloadHash)
        let hash = canonical.withUnsafeBytes { SHA256Digest(of: $0) }
        return ByteWriter.withUTF8(timestamp) { timestamp in
            let capacity = Self.stringToSignLength(scopeTail: scopeTail.count)
            return String(unsafeUninitializedCapacity: capacity) { buffer in
                var out = ByteWriter(buffer)
                hash.withUnsafeBytes { writeStringToSign(timestamp: timestamp, canonicalHash: $0, into: &out) }
                return out.count
            }
        }
    }

    private func canonicalRequestBytes(timestamp: String, payloadHash: SHA256Digest) -> [UInt8] {
        var bytes = canonicalHead + Array(timestamp.utf8) + canonicalMiddle
        payloadHash.withUnsafeBytes { bytes += Array(HexEncoding.encode($0).utf8) }
        return bytes
    }

    /// Method and URL only: the credentials stay out of logs and dumps.
    package var description: String {
        "AWSSigV4PreparedRequest(\(method) \(url), service: \(signer.service), region: \(signer.region))"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url], displayStyle: .class)
    }
}
