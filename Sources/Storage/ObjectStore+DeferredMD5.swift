import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Objects committed with their MD5 deferred (`PendingObject(deferringMD5:)`,
/// live segments) get it computed the first time a read path needs their
/// ETag: from a descriptor on that very version, outside the bucket's lock,
/// then kept in the index while the entry is still that version. An
/// `ObjectInfo` with the MD5 still missing never leaves these paths, except
/// from listings that asked for no ETags.
extension ObjectStore {
    /// Where to read an object version whose MD5 is still deferred, found
    /// under the bucket's lock and completed after it is released.
    struct DeferredMD5: Sendable {
        let key: [UInt8]
        let identity: FileIdentity
        let path: String
    }

    /// The deferred MD5 of `entry`, when it has one, with the path of its file.
    func deferredMD5(of entry: ObjectEntry, key: [UInt8], in store: BucketStore) -> DeferredMD5? {
        guard entry.md5.isPending else { return nil }
        return DeferredMD5(key: key, identity: entry.identity,
                           path: store.directory + "/" + ObjectPlacement.relativePath(of: entry, key: key))
    }

    /// Hashes the version `descriptor` reads (positional reads: the
    /// descriptor's offset is left alone), fills the info's ETag and
    /// `contentMD5`, and records the MD5 in the index.
    func completeMD5(_ info: inout ObjectInfo, reading descriptor: Int32, deferred: DeferredMD5, store: BucketStore) throws {
        let md5 = try FileContent.md5(of: descriptor, size: info.size, name: String(decoding: deferred.key, as: UTF8.self))
        fill(&info, md5: md5)
        record(md5, for: deferred, in: store)
    }

    /// As above for a descriptor the caller hands over with the info: closed
    /// when completing fails, so the caller never holds it after a throw.
    func completeMD5(_ info: inout ObjectInfo, handingOver descriptor: Int32, deferred: DeferredMD5, store: BucketStore) throws {
        do {
            try completeMD5(&info, reading: descriptor, deferred: deferred, store: store)
        } catch {
            FileSystem.closeDescriptor(descriptor)
            throw error
        }
    }

    /// As above for content already in memory (small objects).
    func completeMD5(_ info: inout ObjectInfo, bytes: [UInt8], deferred: DeferredMD5, store: BucketStore) {
        let md5 = Hash.md5(bytes)
        fill(&info, md5: md5)
        record(md5, for: deferred, in: store)
    }

    /// Opens the deferred version's file by path; nil when it is no longer
    /// that version (replaced or deleted since the lock was released).
    func openDeferred(_ deferred: DeferredMD5) -> Int32? {
        guard let descriptor = try? FileSystem.openFile(deferred.path, O_RDONLY | O_NOFOLLOW) else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, FileSystem.identity(of: status) == deferred.identity else {
            FileSystem.closeDescriptor(descriptor)
            return nil
        }
        return descriptor
    }

    private func fill(_ info: inout ObjectInfo, md5: [UInt8]) {
        info.contentMD5 = md5
        if info.metadata.etagOverride == nil { info.etag = Hex.encode(md5, uppercase: true) }
    }

    /// Kept in memory only: a restart finds the journal's deferred MD5 and
    /// computes it again when asked; a journal rewrite keeps the computed one.
    private func record(_ md5: [UInt8], for deferred: DeferredMD5, in store: BucketStore) {
        guard let value = MD5Value(md5), !value.isPending else { return }
        store.state.withLock { state in
            guard !state.isDeleted, var entry = state.index[deferred.key],
                  entry.md5.isPending, entry.identity == deferred.identity else { return }
            entry.md5 = value
            state.index.upsert(deferred.key, entry)
        }
    }
}

extension FileContent {
    /// MD5 of the first `size` bytes an open descriptor reads, by positional reads.
    static func md5(of descriptor: Int32, size: Int64, name: String) throws -> [UInt8] {
        let hash = StreamingHash(.md5)
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), max(4096, size))))
        var done: Int64 = 0
        while done < size {
            let want = Int(min(Int64(buffer.count), size - done))
            let count = try buffer.withUnsafeMutableBytes { raw in
                try FileSystem.readSome(descriptor, UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]), at: done, path: name)
            }
            guard count > 0 else { throw StorageError.io("read \(name): the file ended early") }
            buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            done += Int64(count)
        }
        return hash.finalize()
    }
}
