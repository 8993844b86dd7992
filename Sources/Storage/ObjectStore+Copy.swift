import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ObjectStore {
    /// Copies an object's bytes to another key (same or other bucket): the
    /// source is read through one descriptor, so a concurrent overwrite of
    /// it cannot mix two versions; the bytes stream into a temp file (never
    /// whole in memory) that is then published by rename like any put.
    ///
    /// `metadata` sees the source version being copied and returns the
    /// target's metadata; throwing from it (a failed precondition) copies
    /// nothing. `check` runs under the target bucket's lock, as for a put.
    public func copyObject(
        fromBucket sourceBucket: String, key sourceKey: String, toBucket bucket: String, key: String,
        check: ReplaceCheck? = nil, metadata: (ObjectInfo) throws -> ObjectMetadata
    ) throws -> ObjectInfo {
        try checkWriteFault(bucket: bucket, key: key)
        _ = try validatedKey(key)
        _ = try bucketStore(bucket)
        let (descriptor, source) = try openObject(bucket: sourceBucket, key: sourceKey)
        let temporary = makeTempFilePath()
        let target: ObjectMetadata
        let md5: [UInt8]
        let crc64: UInt64
        do {
            defer { FileSystem.closeDescriptor(descriptor) }
            target = try metadata(source)
            let writer = try HashingWriter(creating: temporary)
            try writer.copy(from: descriptor, name: "\(sourceBucket)/\(sourceKey)")
            (md5, crc64) = { ($0.md5, $0.crc64) }(writer.finish())
        } catch {
            _ = unlink(temporary)
            throw error
        }
        do {
            return try putObject(bucket: bucket, key: key, movingFile: temporary, md5: md5, crc64: crc64, metadata: target, check: check)
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }
}
