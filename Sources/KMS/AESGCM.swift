import CCrypto

/// AES-256-GCM through libcrypto's EVP interface.
enum AESGCM {
    static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    static func randomBytes(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        return RAND_bytes(&bytes, Int32(count)) == 1 ? bytes : nil
    }

    /// Ciphertext followed by the 16-byte tag.
    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, nonce.count == nonceLength, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              oss_emulator_gcm_set_ivlen(context, Int32(nonceLength)) == 1,
              EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1
        else { return nil }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else { return nil }
        }
        var output = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var written: Int32 = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &output, &written, plaintext, Int32(plaintext.count)) == 1 else { return nil }
        }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context, &tail, &length) == 1 else { return nil }
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard oss_emulator_gcm_get_tag(context, &tag, Int32(tagLength)) == 1 else { return nil }
        return Array(output.prefix(Int(written))) + tag
    }

    /// nil when the tag does not authenticate (wrong key, AAD or bytes).
    static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, nonce.count == nonceLength, sealed.count >= tagLength,
              let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let ciphertext = Array(sealed.dropLast(tagLength))
        var tag = Array(sealed.suffix(tagLength))
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              oss_emulator_gcm_set_ivlen(context, Int32(nonceLength)) == 1,
              EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1
        else { return nil }
        var length: Int32 = 0
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, aad, Int32(aad.count)) == 1 else { return nil }
        }
        var output = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &output, &written, ciphertext, Int32(ciphertext.count)) == 1 else { return nil }
        }
        guard oss_emulator_gcm_set_tag(context, &tag, Int32(tagLength)) == 1 else { return nil }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context, &tail, &length) == 1 else { return nil }
        return Array(output.prefix(Int(written)))
    }
}
