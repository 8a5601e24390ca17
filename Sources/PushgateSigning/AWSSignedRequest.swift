/// The result of signing: the headers to send, and every intermediate stage so tests (and dry runs)
/// can compare each one with the AWS test suite or botocore (docs/provider-apis.md §2.8). The canonical
/// request and string to sign are kept as the bytes that were hashed (or, from a prepared request, as
/// its parts and the payload hash) and become Strings only when read.
package struct AWSSignedRequest: Sendable {
    /// The caller's headers plus `Host` (when it was not given), `X-Amz-Date`, `X-Amz-Security-Token`
    /// (for temporary credentials) and `Authorization`, in that order; send exactly these.
    package let headers: [(name: String, value: String)]
    /// Where `X-Amz-Date` is in ``headers``.
    private let dateIndex: Int

    /// The complete `Authorization` header value (the last header; read from it rather than kept twice,
    /// which cost reference counting on every signature).
    package var authorization: String { headers[headers.count - 1].value }
    /// `YYYYMMDD'T'HHMMSS'Z'`, as sent in `X-Amz-Date`.
    package var timestamp: String { headers[dateIndex].value }

    private enum Stages: Sendable {
        /// The canonical request followed by the string to sign, as hashed and signed.
        case bytes([UInt8], AWSSigV4Signer.StageLayout)
        /// Signed by `request`, whose parts and this payload hash rebuild the stages when read: building
        /// them per signature is work a sender never reads.
        case prepared(AWSSigV4PreparedRequest, payloadHash: SHA256Digest)
    }

    private let stages: Stages

    /// `headers` ends with `Authorization` and has `X-Amz-Date` at `dateIndex`.
    init(headers: [(name: String, value: String)], dateIndex: Int, stages: [UInt8], layout: AWSSigV4Signer.StageLayout) {
        self.headers = headers
        self.dateIndex = dateIndex
        self.stages = .bytes(stages, layout)
    }

    init(
        headers: [(name: String, value: String)],
        dateIndex: Int,
        preparedBy request: AWSSigV4PreparedRequest,
        payloadHash: SHA256Digest
    ) {
        self.headers = headers
        self.dateIndex = dateIndex
        self.stages = .prepared(request, payloadHash: payloadHash)
    }

    package var canonicalRequest: String {
        switch stages {
        case .bytes(let bytes, let layout): return text(bytes, 0..<layout.canonicalRequestEnd)
        case .prepared(let request, let payloadHash): return request.canonicalRequest(timestamp: timestamp, payloadHash: payloadHash)
        }
    }

    package var stringToSign: String {
        switch stages {
        case .bytes(let bytes, let layout): return text(bytes, layout.canonicalRequestEnd..<bytes.count)
        case .prepared(let request, let payloadHash): return request.stringToSign(timestamp: timestamp, payloadHash: payloadHash)
        }
    }

    /// The lower-case names joined by `;`, as in the Authorization header.
    package var signedHeaders: String {
        switch stages {
        case .bytes(let bytes, let layout): return text(bytes, layout.signedHeaders)
        case .prepared(let request, _): return request.signedHeaders
        }
    }

    /// Hex HMAC of the string to sign (the end of the Authorization header).
    package var signature: String { String(decoding: authorization.utf8.suffix(2 * Digest.sha256Length), as: UTF8.self) }

    private func text(_ bytes: [UInt8], _ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
}
