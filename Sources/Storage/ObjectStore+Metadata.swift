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
        return try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            guard var entry = state.index[keyBytes] else { throw StorageError.noSuchKey(key) }
            var metadata = entry.metadata.decoded
            try change(&metadata)
            entry.metadata = MetadataBlob(metadata)
            if touch { entry.lastModified = now }
            try state.journal.append(.put(key: keyBytes, entry: entry))
            state.index.upsert(keyBytes, entry)
            compactIfNeeded(&state, bucket: bucket)
            return entry.info(key: keyBytes)
        }
    }
}
