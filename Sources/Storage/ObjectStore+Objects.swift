import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ObjectStore {
    /// Puts the file at `path` in place as the object (a rename: the file is
    /// gone afterwards). Digests the caller computed while spooling are
    /// trusted; missing ones are computed from the file. Until the rename, the
    /// previous version (or no object) stays visible, also across a crash.
    ///
    /// `check` runs under the bucket's lock with the object it would replace
    /// (nil when there is none); throwing from it leaves everything as it was
    /// (e.g. AppendObject's position check, `x-oss-forbid-overwrite`).
    public func putObject(
        bucket: String, key: String, movingFile path: String, md5: [UInt8]?, crc64: UInt64?, metadata: ObjectMetadata,
        check: ReplaceCheck? = nil
    ) throws -> ObjectInfo {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        guard let sourceInfo = FileSystem.lstatInfo(path) else { throw FileSystem.failure("stat", path) }
        guard FileSystem.kind(of: sourceInfo) == .file else {
            throw StorageError.io("put \(path): not a regular file")
        }
        try checkMovable(path, operation: "put")
        var source = path
        var md5 = md5
        var crc64 = crc64
        var copied: String?
        if UInt64(truncatingIfNeeded: sourceInfo.st_dev) != device {
            // A rename cannot cross file systems.
            let copy = makeTempFilePath()
            copied = copy
            do {
                let digests = try FileContent.copy(path, to: copy)
                md5 = md5 ?? digests.md5
                crc64 = crc64 ?? digests.crc64
            } catch {
                _ = unlink(copy)
                throw error
            }
            source = copy
        }
        do {
            let info = try commit(
                store: store, bucket: bucket, key: keyBytes, source: source, md5: md5, crc64: crc64, metadata: metadata, check: check)
            if copied != nil { _ = unlink(path) }
            return info
        } catch {
            if let copied { _ = unlink(copied) }
            throw error
        }
    }

    public func putObject(
        bucket: String, key: String, bytes: [UInt8], metadata: ObjectMetadata, check: ReplaceCheck? = nil
    ) throws -> ObjectInfo {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        let temporary = try makeTempFile()
        do {
            do {
                defer { FileSystem.closeDescriptor(temporary.descriptor) }
                try FileSystem.writeAll(temporary.descriptor, bytes, path: temporary.path)
            }
            return try commit(
                store: store, bucket: bucket, key: keyBytes, source: temporary.path,
                md5: Hash.md5(bytes), crc64: CRC64.checksum(bytes), metadata: metadata, check: check)
        } catch {
            _ = unlink(temporary.path)
            throw error
        }
    }

    private func commit(
        store: BucketStore, bucket: String, key: [UInt8], source: String, md5: [UInt8]?, crc64: UInt64?, metadata: ObjectMetadata,
        check: ReplaceCheck?
    ) throws -> ObjectInfo {
        try checkWriteFault(bucket: bucket, key: String(decoding: key, as: UTF8.self))
        var md5 = md5
        var crc64 = crc64
        if md5 == nil || crc64 == nil {
            let digests = try FileContent.digests(ofFile: source)
            md5 = md5 ?? digests.md5
            crc64 = crc64 ?? digests.crc64
        }
        if fsync { try FileSystem.syncPath(source, directory: false) }
        guard let sourceInfo = FileSystem.lstatInfo(source) else { throw FileSystem.failure("stat", source) }
        let identity = FileSystem.identity(of: sourceInfo)
        guard let md5Value = md5.flatMap(MD5Value.init) else {
            throw StorageError.io("put \(source): an MD5 digest must be 16 bytes")
        }
        var entry = ObjectEntry(
            size: identity.size, md5: md5Value, crc64: crc64 ?? 0,
            lastModified: clock(), metadata: MetadataBlob(metadata), path: nil, identity: identity)
        return try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            let previous = state.index[key]
            try check?(previous?.info(key: key))
            var createdDirectories: [String] = []
            if let previous {
                entry.path = previous.path
            } else {
                let placement = try ObjectPlacement.place(key: key, in: store.directory)
                entry.path = ObjectPlacement.recordedPath(placement.components, key: key)
                createdDirectories = placement.created
            }
            let destination = store.directory + "/" + ObjectPlacement.relativePath(of: entry, key: key)
            do {
                try state.journal.append(.put(key: key, entry: entry))
            } catch {
                if previous == nil {
                    FileSystem.pruneEmptyDirectories(from: FileContent.parent(of: destination), stop: store.directory)
                }
                throw error
            }
            do {
                // Over an existing object: `replace` keeps the rename from forcing a write-out.
                // The old version's file may be kept to be written again (`RetiredFiles`).
                if let previous {
                    try FileSystem.replace(source, destination, fsync: fsync) { [retiredFiles] old in
                        retiredFiles.keep(old, size: previous.size)
                    }
                } else {
                    try FileSystem.move(source, destination)
                }
            } catch {
                // Put the journal back in step with the disk, which still holds the old state.
                if let previous {
                    try? state.journal.append(.put(key: key, entry: previous))
                } else {
                    try? state.journal.append(.delete(key: key))
                    FileSystem.pruneEmptyDirectories(from: FileContent.parent(of: destination), stop: store.directory)
                }
                throw error
            }
            state.index.upsert(key, entry)
            compactIfNeeded(&state, bucket: bucket)
            if fsync {
                for directory in createdDirectories {
                    try FileSystem.syncPath(FileContent.parent(of: directory), directory: true)
                }
                try FileSystem.syncPath(FileContent.parent(of: destination), directory: true)
            }
            return entry.info(key: key)
        }
    }

    /// Rewrites the journal from the index once enough records were appended
    /// (see `StorageLimits.journalCompactionSlack`); the cost stays amortised.
    /// Runs after a write has fully succeeded, so a failure here must not fail
    /// that write: the old journal stays valid (the new one replaces it by
    /// rename) and the rewrite is tried again on the next write.
    func compactIfNeeded(_ state: inout BucketState, bucket: String) {
        let appended = state.journal.appended
        guard appended >= limits.journalCompactionSlack, appended >= state.index.count else { return }
        let index = state.index
        guard let fresh = try? JournalWriter.create(
            path: layout.journal(bucket), temporaryPath: makeTempFilePath(),
            entries: index.sortedEntries, fsync: fsync)
        else { return }
        state.journal.replace(with: fresh)
    }

    /// The object's info; with `etag: false` an MD5 still deferred is not
    /// computed and the ETag stays empty (for callers that need the rest only).
    public func objectInfo(bucket: String, key: String, etag: Bool = true) throws -> ObjectInfo {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        let (found, deferred) = try store.state.withLock { state -> (ObjectInfo, (DeferredMD5, Int32)?) in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard let entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            guard etag, let deferred = deferredMD5(of: entry, key: keyBytes, in: store) else { return (entry.info(key: keyBytes), nil) }
            // Opened under the lock: the descriptor reads exactly this version.
            let descriptor = try FileSystem.openFile(deferred.path, O_RDONLY | O_NOFOLLOW)
            return (entry.info(key: keyBytes), (deferred, descriptor))
        }
        guard let (pending, descriptor) = deferred else { return found }
        defer { FileSystem.closeDescriptor(descriptor) }
        var info = found
        try completeMD5(&info, reading: descriptor, deferred: pending, store: store)
        return info
    }

    /// What an access check reads of an object (its ACL, where a symlink
    /// points), without the ETag, key string, info or full metadata that
    /// `objectInfo` builds.
    public func objectAccess(bucket: String, key: String) throws -> ObjectAccess {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        let blob = try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard let entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            return entry.metadata
        }
        return blob.access
    }

    /// An open descriptor on the object's file and the info of that same
    /// version; later puts do not change what the descriptor reads. The caller closes it.
    public func openObject(bucket: String, key: String) throws -> (descriptor: Int32, info: ObjectInfo) {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        let (descriptor, found, deferred) = try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard let entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            let path = store.directory + "/" + ObjectPlacement.relativePath(of: entry, key: keyBytes)
            let descriptor = try FileSystem.openFile(path, O_RDONLY | O_NOFOLLOW)
            return (descriptor, entry.info(key: keyBytes), deferredMD5(of: entry, key: keyBytes, in: store))
        }
        guard let deferred else { return (descriptor, found) }
        var info = found
        try completeMD5(&info, handingOver: descriptor, deferred: deferred, store: store)
        return (descriptor, info)
    }

    /// An object's content for serving: small objects (up to
    /// `StorageLimits.maxCachedObjectBytes`) as bytes, from memory after the
    /// first read; larger ones as an open descriptor the caller closes.
    public func openObjectContent(bucket: String, key: String) throws -> (content: ObjectContent, info: ObjectInfo) {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        // The info (metadata decoded, ETag and key as strings) is built after
        // the bucket's lock is released: every GET of the bucket takes it.
        let (content, entry, deferred) = try store.state.withLock { state -> (ObjectContent, ObjectEntry, DeferredMD5?) in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard let entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            let deferred = deferredMD5(of: entry, key: keyBytes, in: store)
            let cacheKey = SmallContentCache.Key(bucket: bucket, key: keyBytes)
            let version = SmallContentCache.Version(identity: entry.identity, md5: entry.md5, crc64: entry.crc64)
            if entry.size <= Int64(smallContents.maxObjectBytes),
               let bytes = smallContents.lookup(cacheKey, identity: version) {
                return (.bytes(bytes), entry, deferred)
            }
            let path = store.directory + "/" + ObjectPlacement.relativePath(of: entry, key: keyBytes)
            let descriptor = try FileSystem.openFile(path, O_RDONLY | O_NOFOLLOW)
            guard entry.size <= Int64(smallContents.maxObjectBytes) else { return (.descriptor(descriptor), entry, deferred) }
            defer { FileSystem.closeDescriptor(descriptor) }
            let bytes = try FileSystem.readExactly(descriptor, count: Int(entry.size), path: "\(bucket)/\(key)")
            // A deferred MD5 is completed below; the cache keys on the completed version.
            if deferred == nil { smallContents.insert(cacheKey, identity: version, bytes: bytes) }
            return (.bytes(bytes), entry, deferred)
        }
        let found = entry.info(key: keyBytes)
        guard let deferred else { return (content, found) }
        var info = found
        switch content {
        case .bytes(let bytes):
            completeMD5(&info, bytes: bytes, deferred: deferred, store: store)
        case .descriptor(let descriptor):
            try completeMD5(&info, handingOver: descriptor, deferred: deferred, store: store)
        }
        return (content, info)
    }

    /// The whole content of a small object (playlists); at most
    /// `StorageLimits.maxReadObjectBytes`, larger ones must be streamed.
    public func readObject(bucket: String, key: String) throws -> [UInt8] {
        let (descriptor, info) = try openObject(bucket: bucket, key: key)
        defer { FileSystem.closeDescriptor(descriptor) }
        guard info.size <= Int64(limits.maxReadObjectBytes) else {
            throw StorageError.io("read \(bucket)/\(key): \(info.size) bytes exceed the \(limits.maxReadObjectBytes)-byte limit")
        }
        return try FileSystem.readExactly(descriptor, count: Int(info.size), path: "\(bucket)/\(key)")
    }

    /// Deletes an object; nothing happens when the key is absent.
    public func deleteObject(bucket: String, key: String) throws {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard let entry = state.index[keyBytes] else { return }
            let path = store.directory + "/" + ObjectPlacement.relativePath(of: entry, key: keyBytes)
            // Unlink first: a crash before the journal record leaves a record
            // without a file, which the loader drops.
            try FileSystem.removeFile(path)
            state.index.remove(keyBytes)
            smallContents.remove(SmallContentCache.Key(bucket: bucket, key: keyBytes))
            let parent = FileContent.parent(of: path)
            FileSystem.pruneEmptyDirectories(from: parent, stop: store.directory)
            try state.journal.append(.delete(key: keyBytes))
            compactIfNeeded(&state, bucket: bucket)
            if fsync { try FileSystem.syncPath(FileSystem.kind(parent) == .directory ? parent : store.directory, directory: true) }
        }
    }

    /// Keys after `marker` starting with `prefix`, in UTF-8 byte order; with a
    /// delimiter, keys holding it after the prefix are grouped into common
    /// prefixes, each counting once toward `maxKeys` (as OSS does).
    /// `nextMarker` is set only when the listing is truncated.
    ///
    /// With `etags: false` the objects whose MD5 is still deferred keep an
    /// empty ETag (for callers that read sizes and dates only: lifecycle,
    /// statistics, playlists), so listing does not hash them.
    public func listObjects(
        bucket: String, prefix: String, after marker: String?, delimiter: String?, maxKeys: Int, etags: Bool = true
    ) throws -> ObjectListing {
        let store = try bucketStore(bucket)
        var deferred: [(position: Int, DeferredMD5)] = []
        var listing = try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            let listing = state.index.list(
                prefix: Array(prefix.utf8), marker: marker.map { Array($0.utf8) },
                delimiter: delimiter.map { Array($0.utf8) }, maxKeys: maxKeys)
            var objects: [ObjectInfo] = []
            objects.reserveCapacity(listing.keys.count)
            for key in listing.keys {
                guard let entry = state.index[key] else { continue }
                if etags, let pending = deferredMD5(of: entry, key: key, in: store) {
                    deferred.append((objects.count, pending))
                }
                objects.append(entry.info(key: key))
            }
            return ObjectListing(
                objects: objects,
                commonPrefixes: listing.commonPrefixes.map { String(decoding: $0, as: UTF8.self) },
                isTruncated: listing.isTruncated,
                nextMarker: listing.nextMarker.map { String(decoding: $0, as: UTF8.self) })
        }
        var gone: [Int] = []
        for (position, pending) in deferred {
            if let descriptor = openDeferred(pending) {
                defer { FileSystem.closeDescriptor(descriptor) }
                try completeMD5(&listing.objects[position], reading: descriptor, deferred: pending, store: store)
            } else if let current = try? objectInfo(bucket: bucket, key: listing.objects[position].key) {
                // Replaced since the lock was released: list the version there now.
                listing.objects[position] = current
            } else {
                gone.append(position)  // deleted meanwhile
            }
        }
        for position in gone.reversed() { listing.objects.remove(at: position) }
        return listing
    }

    public func objectCount(bucket: String) throws -> Int {
        let store = try bucketStore(bucket)
        return try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            return state.index.count
        }
    }

    /// Keys are 1…`maxKeyBytes` bytes of UTF-8; every other rule is OSS
    /// policy for the caller (the store can hold any such key safely).
    func validatedKey(_ key: String) throws -> [UInt8] {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty else { throw StorageError.invalidKey("object key is empty") }
        guard bytes.count <= limits.maxKeyBytes else {
            throw StorageError.invalidKey("object key is \(bytes.count) bytes, over the \(limits.maxKeyBytes)-byte limit")
        }
        return bytes
    }
}
