/// The result of signing: the headers to send, and every intermediate stage so tests (and dry runs)
/// can compare each one with the AWS test suite or botocore (provider-apis.md §2.8).
package struct AWSSignedRequest: Sendable {
    /// The caller's headers plus `Host` (when it was not given), `X-Amz-Date`, `X-Amz-Security-Token`
    /// (for temporary credentials) and `Authorization`, in that order; send exactly these.
    package var headers: [(name: String, value: String)]
    package var canonicalRequest: String
    package var stringToSign: String
    /// The lower-case names joined by `;`, as in the Authorization header.
    package var signedHeaders: String
    /// Hex HMAC of the string to sign.
    package var signature: String
    /// The complete `Authorization` header value.
    package var authorization: String
    /// `YYYYMMDD'T'HHMMSS'Z'`, as sent in `X-Amz-Date`.
    package var timestamp: String
}
