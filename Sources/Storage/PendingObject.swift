#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An object written piece by piece into a temp file, its MD5 and CRC-64
/// computed on the way, then published with one rename (`commit`): a
/// growing object never sits whole in memory, and until the commit no
/// reader sees it. Use it from one thread (or one serial queue) at a time.
public final class PendingObject {
    private let store: ObjectStore
    private var writer: HashingWriter?
    /// Bytes appended so far.
    public private(set) var size: Int64 = 0

    public init(store: ObjectStore) throws {
        self.store = store
        writer = try HashingWriter(creating: store.makeTempFilePath())
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
