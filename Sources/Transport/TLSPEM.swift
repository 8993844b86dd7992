#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CCrypto

/// PEM in and out of libcrypto objects, and the small file helpers of the CA.
enum TLSPEM {
    static func newP256Key() -> OpaquePointer? {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(context, &key) == 1
        else { return nil }
        return key
    }

    static func privateKey(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
    }

    static func certificate(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
    }

    static func pem(certificate: OpaquePointer) -> String? {
        written { PEM_write_bio_X509($0, certificate) == 1 }
    }

    /// PKCS #8, unencrypted: the file is mode 0600 and never logged.
    static func pem(privateKey: OpaquePointer) -> String? {
        written { PEM_write_bio_PrivateKey($0, privateKey, nil, nil, 0, nil, nil) == 1 }
    }

    private static func withMemoryBIO(_ text: String, _ body: (OpaquePointer) -> OpaquePointer?) -> OpaquePointer? {
        let bytes = Array(text.utf8)
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else { return nil }
        defer { BIO_free(bio) }
        return body(bio)
    }

    private static func written(_ body: (OpaquePointer) -> Bool) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard body(bio) else { return nil }
        return String(decoding: drain(bio), as: UTF8.self)
    }

    /// Everything buffered in a memory BIO.
    static func drain(_ bio: OpaquePointer) -> [UInt8] {
        var bytes: [UInt8] = []
        let pending = Int(BIO_ctrl_pending(bio))
        guard pending > 0 else { return bytes }
        bytes.reserveCapacity(pending)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
            if count <= 0 { break }
            bytes += chunk.prefix(Int(count))
        }
        return bytes
    }
}

func readWholeFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { _ = close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
        bytes += chunk.prefix(count)
    }
}

func makeDirectories(_ path: String) throws(TransportError) {
    // A relative path stays relative: `./oss-data/.oss/tls` is not `/oss-data/.oss/tls`.
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += "/" + component
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw .tls("cannot create directory \(prefix): \(String(cString: strerror(errno)))")
        }
    }
}

/// Temp file, fsync, rename: a reader sees the old file or the whole new one.
func writeAtomically(_ path: String, _ text: String, mode: mode_t) throws(TransportError) {
    let temporary = path + ".tmp.\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard descriptor >= 0 else { throw .tls("cannot write \(path): \(String(cString: strerror(errno)))") }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else {
            _ = close(descriptor)
            unlink(temporary)
            throw .tls("cannot write \(path)")
        }
        written += count
    }
    _ = fsync(descriptor)
    _ = close(descriptor)
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw .tls("cannot rename into \(path): \(String(cString: strerror(errno)))")
    }
}
