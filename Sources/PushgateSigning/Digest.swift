import CCrypto
import Foundation

/// SHA-256 and HMAC-SHA256 over OpenSSL's low-level SHA-256 on a stack `SHA256_CTX` (SHA-NI when the CPU
/// has it). SigV4 hashes a few hundred bytes several times per request (docs/provider-apis.md §2.8), where the
/// EVP context allocations and provider dispatch used to cost more than the hashing itself.
package enum Digest {
    /// Byte length of a SHA-256 digest and of an HMAC-SHA256 tag.
    package static let sha256Length = 32

    /// Writes the SHA-256 of `bytes` to `digest`, which must have room for ``sha256Length`` bytes.
    package static func sha256(_ bytes: UnsafeRawBufferPointer, into digest: UnsafeMutablePointer<UInt8>) {
        var context = SHA256_CTX()
        // The low-level functions only fail on a NULL context, which cannot happen here.
        let ok =
            ccrypto_sha256_init(&context) == 1 && ccrypto_sha256_update(&context, bytes.baseAddress, bytes.count) == 1
            && ccrypto_sha256_final(digest, &context) == 1
        precondition(ok, "SHA256 failed")
    }

    package static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: sha256Length) { buffer, count in
            sha256(bytes, into: buffer.baseAddress!)
            count = sha256Length
        }
    }

    package static func sha256(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { sha256($0) } }
    package static func sha256(_ data: Data) -> [UInt8] { data.withUnsafeBytes { sha256($0) } }
    package static func sha256(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { sha256(UnsafeRawBufferPointer($0)) }
    }

    package static func hmacSHA256(key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) -> [UInt8] {
        HMACSHA256Key(key).authenticationCode(data)
    }

    package static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in data.withUnsafeBytes { hmacSHA256(key: k, data: $0) } }
    }

    package static func hmacSHA256(key: [UInt8], data: String) -> [UInt8] {
        var data = data
        return key.withUnsafeBytes { k in data.withUTF8 { hmacSHA256(key: k, data: UnsafeRawBufferPointer($0)) } }
    }
}
