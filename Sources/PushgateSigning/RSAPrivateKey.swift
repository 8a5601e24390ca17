import CCrypto

/// An RSA private key owned by this object: the `EVP_PKEY` is freed exactly once, in `deinit`
/// (GRDB's `Statement` pattern). Used for RS256 JWTs (RFC 7515 A.2; docs/provider-apis.md §3.7).
/// Its descriptions never show key material.
package final class RSAPrivateKey: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: the pointer is set once in init and only read afterwards; OpenSSL allows concurrent
    // signing with one EVP_PKEY when each signature uses its own EVP_MD_CTX, as signRS256 does.
    private let pkey: OpaquePointer

    /// Reads a PEM private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    /// - Parameter source: names where the PEM came from (a file, a JSON field) for error messages.
    package init(pem: String, source: String = "PEM") throws {
        ERR_clear_error()
        var pem = pem
        let key: OpaquePointer? = pem.withUTF8 { bytes -> OpaquePointer? in
            // BIO_new_mem_buf does not copy: the BIO must be used and freed inside this closure.
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else {
            throw SigningError(
                .invalidKey,
                "\(source): not a readable PEM private key (PKCS#1 or PKCS#8)",
                openSSLError: RSAPrivateKey.takeOpenSSLError()
            )
        }
        guard EVP_PKEY_is_a(key, "RSA") == 1 else {
            EVP_PKEY_free(key)
            throw SigningError(.unsupportedKey, "\(source): the private key is not an RSA key")
        }
        pkey = key
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Modulus size in bits.
    package var bitCount: Int { Int(EVP_PKEY_get_bits(pkey)) }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `bytes` (deterministic: the same input gives the same signature).
    package func signRS256(_ bytes: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        guard let ctx = EVP_MD_CTX_new() else {
            throw SigningError(
                .cryptoFailure,
                "RSAPrivateKey.signRS256: EVP_MD_CTX_new failed",
                openSSLError: RSAPrivateKey.takeOpenSSLError()
            )
        }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, pkey) == 1 else {
            throw SigningError(
                .cryptoFailure,
                "RSAPrivateKey.signRS256: EVP_DigestSignInit failed",
                openSSLError: RSAPrivateKey.takeOpenSSLError()
            )
        }
        var length = 0
        let sizeOK = bytes.withUnsafeBufferPointer { EVP_DigestSign(ctx, nil, &length, $0.baseAddress, $0.count) }
        guard sizeOK == 1 else {
            throw SigningError(
                .cryptoFailure,
                "RSAPrivateKey.signRS256: EVP_DigestSign (size) failed",
                openSSLError: RSAPrivateKey.takeOpenSSLError()
            )
        }
        var signature = [UInt8](repeating: 0, count: length)
        let ok = signature.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { EVP_DigestSign(ctx, out.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        guard ok == 1 else {
            throw SigningError(
                .cryptoFailure,
                "RSAPrivateKey.signRS256: EVP_DigestSign failed",
                openSSLError: RSAPrivateKey.takeOpenSSLError()
            )
        }
        return Array(signature.prefix(length))
    }

    package var description: String { "RSAPrivateKey(\(bitCount) bits, <redacted>)" }

    /// The first queued OpenSSL error, clearing the rest so they do not leak into the next call.
    static func takeOpenSSLError() -> UInt? {
        let code = ERR_get_error()
        ERR_clear_error()
        return code == 0 ? nil : code
    }
}
