#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Digest
import Locking

/// The master keys of the emulated CMKs: 32 random bytes per key id, one
/// file per key (`<hex of the id>.key`, mode 0600, written atomically) so
/// data keys wrapped before a restart still unwrap after it.
final class KMSKeyStore: Sendable {
    let directory: String
    private let keys = Locked<[String: [UInt8]]>([:])

    init(directory: String) {
        self.directory = directory
    }

    /// The master key of `keyId`, made and stored on first use.
    func masterKey(for keyId: String, create: Bool) throws(KMSError) -> [UInt8] {
        if let key = keys.withLock({ $0[keyId] }) { return key }
        // Named by a digest: ids may hold `/` and be longer than a file name may.
        let path = directory + "/" + Hex.encode(Hash.sha256(Array(keyId.utf8))) + ".key"
        if let stored = Self.load(path), stored.count == AESGCM.keyLength {
            return keys.withLock { $0[keyId] = $0[keyId] ?? stored; return $0[keyId]! }
        }
        guard create else { throw .keyNotFound }
        guard let fresh = AESGCM.randomBytes(AESGCM.keyLength), Self.store(fresh, at: path, directory: directory)
        else { throw .internalFailure }
        // Another request may have made it at the same moment: the file on disk wins.
        let kept = Self.load(path) ?? fresh
        return keys.withLock { $0[keyId] = kept; return kept }
    }

    private static func load(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { _ = close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? Array(bytes.prefix(count)) : nil
    }

    private static func store(_ key: [UInt8], at path: String, directory: String) -> Bool {
        var prefix = ""
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return false }
        }
        let temporary = path + ".tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { return false }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        _ = fsync(descriptor)
        _ = close(descriptor)
        // link() refuses an existing name: the first key made for an id is the one kept.
        let linked = written == key.count && (link(temporary, path) == 0 || errno == EEXIST)
        unlink(temporary)
        return linked
    }
}
