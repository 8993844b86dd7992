#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An object written piece by piece into a temp file, its MD5 (unless
/// deferred) and CRC-64 computed on the way, then published with one rename (`commit`): a
/// growing object never sits whole in memory, and until the commit no
/// reader sees it. Use it from one thread (or one serial queue) at a time.
public final class PendingObject {
    private let store: ObjectStore
    private var writer: HashingWriter?
    /// Bytes appended so far.
    public private(set) var size: Int64 = 0

    /// With `deferringMD5`, only the CRC-64 is computed while writing; the
    /// MD5 (the ETag) is computed when something first asks for it (a GET,
    /// HEAD or listing; `ObjectStore.completeMD5`), so objects nobody reads
    /// (most of a live stream's segments) never cost it. The `ObjectInfo`
    /// `commit` returns then has an empty ETag.
    public init(store: ObjectStore, deferringMD5: Bool = false) throws {
        self.store = store
        writer = HashingWriter(file: try store.makeTempFile(), md5: !deferringMD5)
    }

    deinit { discard() }

    public func append(_ bytes: [UInt8]) throws {
        guard let writer else { throw StorageError.io("append to a committed or discarded object") }
        try bytes.withUnsafeBytes { try writer.write($0) }
        size += Int64(bytes.count)
    }

    /// Publishes everything appended as `bucket/key` (a rename; the temp file
    /// is gone afterwards, also when this throws).
    public func commit(bucket: String, key: String, metadata: ObjectMetadata, check: ReplaceCheck? = nil) throws -> ObjectInfo {
        guard let open = writer else { throw StorageError.io("commit of a committed or discarded object") }
        let digests = open.finish()
        let path = open.path
        writer = nil
        do {
            return try store.putObject(bucket: bucket, key: key, movingFile: path, md5: digests.md5, crc64: digests.crc64,
                                       metadata: metadata, check: check)
        } catch {
            _ = unlink(path)
            throw error
        }
    }

    /// Drops what was written.
    public func discard() {
        guard let open = writer else { return }
        writer = nil
        _ = unlink(open.path)
    }
}
