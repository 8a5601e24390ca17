/// A SHA-256 digest held inline, so a value kept per signature (the payload hash of a prepared
/// request's signature, ``AWSSignedRequest``) costs no allocation.
struct SHA256Digest: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The SHA-256 of `bytes`.
    init(of bytes: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes { Digest.sha256(bytes, into: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    private mutating func withUnsafeMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> Result
    ) rethrows
        -> Result
    {
        try Swift.withUnsafeMutableBytes(of: &words, body)
    }
}
