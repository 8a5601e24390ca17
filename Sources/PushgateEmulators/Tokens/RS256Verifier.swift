import CCrypto
import Foundation

/// Verifies RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) with OpenSSL's
/// `EVP_DigestVerify`, so the fake Google token endpoint checks a JWT assertion exactly as Google does
/// with the service account's public key (docs/provider-apis.md §3.7, §3.9).
package final class RS256Verifier: @unchecked Sendable {
    // @unchecked: the key is set once and only read; each verification uses its own EVP_MD_CTX.
    private let pkey: OpaquePointer

    /// Reads a PEM public key (`BEGIN PUBLIC KEY`) or takes the public half of a PEM private key.
    package init(pem: String) throws(EmulatorError) {
        var text = pem
        let key: OpaquePointer? = text.withUTF8 { bytes -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            if pem.contains("PUBLIC KEY") { return PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        ERR_clear_error()
        guard let key, EVP_PKEY_is_a(key, "RSA") == 1 else {
            if let key { EVP_PKEY_free(key) }
            throw EmulatorError("RS256Verifier: not a readable RSA PEM key")
        }
        pkey = key
    }

    deinit { EVP_PKEY_free(pkey) }

    /// The public key as `BEGIN PUBLIC KEY` PEM (what Google publishes for a service-account key).
    package var publicKeyPEM: String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PUBKEY(bio, pkey) == 1 else { return "" }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(length)), as: UTF8.self)
    }

    /// Whether `signature` is a valid RS256 signature of `message` under this key.
    package func verify(message: [UInt8], signature: [UInt8]) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(ctx)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(ctx, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        return result == 1
    }
}
