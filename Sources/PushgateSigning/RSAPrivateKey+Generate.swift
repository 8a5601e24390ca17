import CCrypto

extension RSAPrivateKey {
    /// A fresh RSA key as PKCS#8 PEM, for emulators that issue their own service-account keys (so no
    /// key material is ever committed). `EVP_RSA_gen` is a variadic macro, hence the explicit steps.
    package static func generatePEM(bits: Int32 = 2048) throws -> String {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw SigningError(.cryptoFailure, "RSAPrivateKey.generatePEM: EVP_PKEY_CTX_new_from_name failed", openSSLError: takeOpenSSLError())
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else {
            throw SigningError(.cryptoFailure, "RSAPrivateKey.generatePEM: key generation failed", openSSLError: takeOpenSSLError())
        }
        defer { EVP_PKEY_free(key) }
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw SigningError(.cryptoFailure, "RSAPrivateKey.generatePEM: BIO_new failed", openSSLError: takeOpenSSLError())
        }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw SigningError(.cryptoFailure, "RSAPrivateKey.generatePEM: PEM_write_bio_PrivateKey failed", openSSLError: takeOpenSSLError())
        }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        return String(decoding: bytes.prefix(Int(max(0, read))), as: UTF8.self)
    }
}
