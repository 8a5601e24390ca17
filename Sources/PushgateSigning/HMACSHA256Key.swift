import CCrypto

/// An HMAC-SHA256 key (RFC 2104) with its inner and outer SHA-256 states precomputed, so a tag costs only
/// the message blocks and one outer block. SigV4 signs every request of a day with the same derived key
/// (docs/provider-apis.md §2.8 step 5); ``AWSSigningKeyCache`` keeps one of these per key.
package struct HMACSHA256Key: Sendable, CustomStringConvertible, CustomReflectable {
    /// SHA-256 after absorbing `key ⊕ ipad`.
    private let inner: SHA256_CTX
    /// SHA-256 after absorbing `key ⊕ opad`.
    private let outer: SHA256_CTX

    package init(_ key: UnsafeRawBufferPointer) {
        let blockSize = 64
        var innerState = SHA256_CTX()
        var outerState = SHA256_CTX()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockSize) { block in
            let pad = block.baseAddress!
            pad.initialize(repeating: 0, count: blockSize)
            if key.count > blockSize {
                Digest.sha256(key, into: pad)  // a key longer than the block is hashed first
            } else if key.count > 0 {
                pad.update(from: key.baseAddress!.assumingMemoryBound(to: UInt8.self), count: key.count)
            }
            for index in 0..<blockSize { pad[index] ^= 0x36 }
            let innerOK = ccrypto_sha256_init(&innerState) == 1 && ccrypto_sha256_update(&innerState, pad, blockSize) == 1
            for index in 0..<blockSize { pad[index] ^= 0x36 ^ 0x5c }
            let outerOK = ccrypto_sha256_init(&outerState) == 1 && ccrypto_sha256_update(&outerState, pad, blockSize) == 1
            OPENSSL_cleanse(pad, blockSize)
            precondition(innerOK && outerOK, "SHA256 failed")
        }
        inner = innerState
        outer = outerState
    }

    package init(_ key: [UInt8]) {
        self = key.withUnsafeBytes { HMACSHA256Key($0) }
    }

    /// Writes HMAC-SHA256(key, message) to `tag`, which must have room for ``Digest/sha256Length`` bytes.
    package func authenticate(_ message: UnsafeRawBufferPointer, into tag: UnsafeMutablePointer<UInt8>) {
        var innerState = inner
        var outerState = outer
        let ok =
            ccrypto_sha256_update(&innerState, message.baseAddress, message.count) == 1
            && ccrypto_sha256_final(tag, &innerState) == 1
            && ccrypto_sha256_update(&outerState, tag, Digest.sha256Length) == 1
            && ccrypto_sha256_final(tag, &outerState) == 1
        precondition(ok, "SHA256 failed")
    }

    package func authenticationCode(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Digest.sha256Length) { buffer, count in
            authenticate(message, into: buffer.baseAddress!)
            count = Digest.sha256Length
        }
    }

    package func authenticationCode(_ message: String) -> [UInt8] {
        var message = message
        return message.withUTF8 { authenticationCode(UnsafeRawBufferPointer($0)) }
    }

    /// Key material never reaches logs or dumps.
    package var description: String { "HMACSHA256Key(<redacted>)" }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
