extension ObjectStore {
    /// Changes an object's metadata without touching its bytes (object ACL,
    /// tags, restore state, CopyObject onto itself): one journal record, no
    /// file written. `touch` sets Last-Modified to now, as a metadata
    /// replacement through CopyObject does; ACL and tag changes keep it.
    @discardableResult
    public func updateMetadata(
        bucket: String, key: String, touch: Bool = false, _ change: (inout ObjectMetadata) throws -> Void
    ) throws -> ObjectInfo {
        let keyBytes = try validatedKey(key)
        let store = try bucketStore(bucket)
        let now = clock()
        let updated = try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard var entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            var metadata = entry.metadata.decoded
            try change(&metadata)
            entry.metadata = MetadataBlob(metadata)
            if touch { entry.lastModified = now }
            try state.journal.append(.put(key: keyBytes, entry: entry))
            state.index.upsert(keyBytes, entry)
            compactIfNeeded(&state, bucket: bucket)
            return (entry.info(key: keyBytes), deferredMD5(of: entry, key: keyBytes, in: store))
        }
        guard let deferred = updated.1 else { return updated.0 }
        // The bytes did not change: their deferred MD5 is completed as for a read.
        var info = updated.0
        if let descriptor = openDeferred(deferred) {
            defer { FileSystem.closeDescriptor(descriptor) }
            try completeMD5(&info, reading: descriptor, deferred: deferred, store: store)
        } else {
            info = try objectInfo(bucket: bucket, key: key)
        }
        return info
    }
}
