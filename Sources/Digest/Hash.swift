import CCrypto

/// A streaming message digest backed by libcrypto's EVP interface.
///
/// Used for ETags (MD5), `Content-MD5` checks and V4 signatures (SHA-256).
/// A value owns its EVP context; copy it with `copy()` rather than by assignment.
public final class StreamingHash: @unchecked Sendable {
    public enum Algorithm: Sendable {
        case md5, sha1, sha256

        var evp: OpaquePointer? {
            switch self {
            case .md5: return EVP_md5()
            case .sha1: return EVP_sha1()
            case .sha256: return EVP_sha256()
            }
        }
    }

    private let context: OpaquePointer
    public let algorithm: Algorithm

    public init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new() else {
            fatalError("libcrypto could not allocate a digest context (out of memory)")
        }
        self.context = context
        self.algorithm = algorithm
        EVP_DigestInit_ex(context, algorithm.evp, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    public func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        Array(bytes).withUnsafeBytes { update($0) }
    }

    /// Finishes the digest. The hash must not be updated afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}

public enum Hash {
    public static func md5<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        digest(.md5, bytes)
    }

    public static func sha1<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        digest(.sha1, bytes)
    }

    public static func sha256<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        digest(.sha256, bytes)
    }

    static func digest<C: Collection>(_ algorithm: StreamingHash.Algorithm, _ bytes: C) -> [UInt8]
    where C.Element == UInt8 {
        let hash = StreamingHash(algorithm)
        hash.update(bytes)
        return hash.finalize()
    }
}

public enum HMAC {
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        compute(EVP_sha1(), key: key, message: message)
    }

    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        compute(EVP_sha256(), key: key, message: message)
    }

    public static func sha1(key: String, message: String) -> [UInt8] {
        sha1(key: Array(key.utf8), message: Array(message.utf8))
    }

    private static func compute(_ md: OpaquePointer?, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                _ = CCrypto.HMAC(md, k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }
}
