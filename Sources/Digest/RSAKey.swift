import CCrypto

/// An RSA key pair made in memory, for signing what the emulator sends out
/// (upload callbacks are signed with RSA over an MD5 digest, as OSS signs them).
public final class RSAKey: @unchecked Sendable {
    /// OSS's callback keys are 1024-bit; generating one takes milliseconds.
    public static let defaultBits: Int32 = 1024

    private let key: OpaquePointer
    /// The public key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block.
    public let publicKeyPEM: String

    public init?(bits: Int32 = RSAKey.defaultBits) {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
              EVP_PKEY_keygen(context, &generated) == 1, let generated else { return nil }
        guard let pem = Self.pem(of: generated) else {
            EVP_PKEY_free(generated)
            return nil
        }
        key = generated
        publicKeyPEM = pem
    }

    deinit { EVP_PKEY_free(key) }

    /// PKCS #1 v1.5 signature of the MD5 digest of `message`.
    public func signMD5(_ message: [UInt8]) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_md5(), nil, key) == 1 else { return nil }
        var length = 0
        let ok = message.withUnsafeBufferPointer { buffer in
            EVP_DigestSign(context, nil, &length, buffer.baseAddress, buffer.count) == 1
        }
        guard ok, length > 0 else { return nil }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = message.withUnsafeBufferPointer { buffer in
            signature.withUnsafeMutableBufferPointer { out in
                EVP_DigestSign(context, out.baseAddress, &length, buffer.baseAddress, buffer.count) == 1
            }
        }
        guard signed else { return nil }
        return Array(signature.prefix(length))
    }

    private static func pem(of key: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PUBKEY(bio, key) == 1 else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
            if count <= 0 { break }
            bytes += chunk.prefix(Int(count))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
