/// The result of signing: the headers to send, and every intermediate stage so tests (and dry runs)
/// can compare each one with the AWS test suite or botocore (provider-apis.md §2.8). The canonical
/// request and string to sign are kept as the bytes that were hashed and become Strings only when read.
package struct AWSSignedRequest: Sendable {
    /// The caller's headers plus `Host` (when it was not given), `X-Amz-Date`, `X-Amz-Security-Token`
    /// (for temporary credentials) and `Authorization`, in that order; send exactly these.
    package var headers: [(name: String, value: String)]
    /// The complete `Authorization` header value.
    package var authorization: String
    /// `YYYYMMDD'T'HHMMSS'Z'`, as sent in `X-Amz-Date`.
    package var timestamp: String

    /// The canonical request followed by the string to sign, as hashed and signed.
    private let stages: [UInt8]
    private let layout: AWSSigV4Signer.StageLayout

    init(headers: [(name: String, value: String)], authorization: String, timestamp: String, stages: [UInt8], layout: AWSSigV4Signer.StageLayout) {
        self.headers = headers
        self.authorization = authorization
        self.timestamp = timestamp
        self.stages = stages
        self.layout = layout
    }

    package var canonicalRequest: String { text(0..<layout.canonicalRequestEnd) }
    package var stringToSign: String { text(layout.canonicalRequestEnd..<stages.count) }
    /// The lower-case names joined by `;`, as in the Authorization header.
    package var signedHeaders: String { text(layout.signedHeaders) }
    /// Hex HMAC of the string to sign (the end of the Authorization header).
    package var signature: String { String(decoding: authorization.utf8.suffix(2 * Digest.sha256Length), as: UTF8.self) }

    private func text(_ range: Range<Int>) -> String { String(decoding: stages[range], as: UTF8.self) }
}
