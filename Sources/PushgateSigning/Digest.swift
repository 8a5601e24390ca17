import CCrypto
import Foundation

/// SHA-256 and HMAC-SHA256 over OpenSSL 3's EVP interfaces (no deprecated `HMAC_CTX`/`SHA256_*`;
/// build-notes.md §2). The algorithms are fetched once, so each call costs only the hashing.
package enum Digest {
    /// Byte length of a SHA-256 digest and of an HMAC-SHA256 tag.
    package static let sha256Length = 32

    package static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sha256Length)
        var size: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o in
            EVP_Digest(bytes.baseAddress, bytes.count, o.baseAddress, &size, OpenSSLAlgorithms.shared.sha256, nil)
        }
        // Only an allocation failure inside OpenSSL can make a fetched SHA-256 fail.
        precondition(ok == 1 && size == UInt32(sha256Length), "EVP_Digest(SHA256) failed: \(ERR_get_error())")
        return out
    }

    package static func sha256(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { sha256($0) } }
    package static func sha256(_ data: Data) -> [UInt8] { data.withUnsafeBytes { sha256($0) } }
    package static func sha256(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { sha256(UnsafeRawBufferPointer($0)) }
    }

    package static func hmacSHA256(key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) -> [UInt8] {
        let ctx = EVP_MAC_CTX_dup(OpenSSLAlgorithms.shared.hmacSHA256)
        precondition(ctx != nil, "EVP_MAC_CTX_dup failed: \(ERR_get_error())")
        defer { EVP_MAC_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: sha256Length)
        var size = 0
        // A NULL key means "reuse the previous key" to EVP_MAC_init, so an empty key needs a real pointer.
        let emptyKey: [UInt8] = [0]
        let ok = emptyKey.withUnsafeBufferPointer { empty in
            let keyPointer = key.count > 0 ? key.baseAddress!.assumingMemoryBound(to: UInt8.self) : empty.baseAddress!
            guard EVP_MAC_init(ctx, keyPointer, key.count, nil) == 1,
                EVP_MAC_update(ctx, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count) == 1
            else { return false }
            return out.withUnsafeMutableBufferPointer { EVP_MAC_final(ctx, $0.baseAddress, &size, sha256Length) == 1 }
        }
        precondition(ok && size == sha256Length, "EVP_MAC(HMAC-SHA256) failed: \(ERR_get_error())")
        return out
    }

    package static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in data.withUnsafeBytes { hmacSHA256(key: k, data: $0) } }
    }

    package static func hmacSHA256(key: [UInt8], data: String) -> [UInt8] {
        var data = data
        return key.withUnsafeBytes { k in data.withUTF8 { hmacSHA256(key: k, data: UnsafeRawBufferPointer($0)) } }
    }
}

/// Algorithm handles fetched once per process. OpenSSL documents fetched `EVP_MD`s and a configured
/// `EVP_MAC_CTX` used only as a `dup` source as safe to share between threads; they live for the process.
private final class OpenSSLAlgorithms: @unchecked Sendable {
    static let shared = OpenSSLAlgorithms()

    let sha256: OpaquePointer
    /// An HMAC context with its digest set and no key, duplicated for every tag.
    let hmacSHA256: OpaquePointer

    private init() {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
            fatalError("OpenSSL has no SHA256 (EVP_MD_fetch): \(ERR_get_error())")
        }
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil), let ctx = EVP_MAC_CTX_new(mac) else {
            fatalError("OpenSSL has no HMAC (EVP_MAC_fetch): \(ERR_get_error())")
        }
        EVP_MAC_free(mac)  // the context keeps its own reference
        let ok = "digest".withCString { key in
            "SHA256".withCString { value in
                var params = [
                    OSSL_PARAM_construct_utf8_string(key, UnsafeMutablePointer(mutating: value), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_MAC_CTX_set_params(ctx, &params)
            }
        }
        guard ok == 1 else { fatalError("EVP_MAC_CTX_set_params(digest=SHA256) failed: \(ERR_get_error())") }
        sha256 = md
        hmacSHA256 = ctx
    }
}
