import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes an AppendObject adds: in memory, or a spooled request body.
public enum AppendSource: Sendable, Equatable {
    case bytes([UInt8])
    case file(path: String)
}

/// Why an append was refused; each is an OSS error for the caller.
public enum AppendRefusal: Error, Sendable, Equatable {
    /// The object exists and is not of type Appendable.
    case notAppendable
    /// `position` is not the object's length (0 when there is no object).
    case positionNotEqualToLength(current: Int64)
    /// The object would grow past `limit` bytes.
    case tooLarge(limit: Int64)
}

extension ObjectStore {
    /// How often an append rebuilds its new version when the object changed
    /// between reading it and committing (a metadata update, a same-length
    /// rewrite); a changed length is answered at once.
    static let appendAttempts = 4

    /// AppendObject: the object at `key` becomes its current content followed
    /// by `source`, as one atomic replace.
    ///
    /// The new version is built in a temp file (old bytes copied, then the new
    /// ones, MD5 and CRC-64 computed on the way) and published by the same
    /// rename as a PutObject, under a check that runs under the bucket lock:
    /// the object must still be exactly the version that was copied. Two
    /// appends at the same position thus never both succeed, and a crash
    /// leaves the old version or the new one, never a torn file.
    ///
    /// `metadata` is used when the append starts the object (position 0);
    /// later appends keep the object's own metadata, as OSS does.
    public func appendObject(
        bucket: String, key: String, position: Int64, source: AppendSource, metadata: ObjectMetadata, maxSize: Int64
    ) throws -> ObjectInfo {
        try checkWriteFault(bucket: bucket, key: key)
        let tailLength: Int64
        switch source {
        case .bytes(let bytes):
            tailLength = Int64(bytes.count)
        case .file(let path):
            guard let info = FileSystem.lstatInfo(path) else { throw FileSystem.failure("stat", path) }
            tailLength = Int64(info.st_size)
        }
        for _ in 0..<Self.appendAttempts {
            if let info = try appendOnce(
                bucket: bucket, key: key, position: position, source: source, tailLength: tailLength,
                metadata: metadata, maxSize: maxSize) {
                return info
            }
        }
        let current = (try? objectInfo(bucket: bucket, key: key))?.size ?? 0
        throw AppendRefusal.positionNotEqualToLength(current: current)
    }

    /// One try; nil when the object changed under it and the caller should try again.
    private func appendOnce(
        bucket: String, key: String, position: Int64, source: AppendSource, tailLength: Int64,
        metadata: ObjectMetadata, maxSize: Int64
    ) throws -> ObjectInfo? {
        var base: ObjectInfo?
        var descriptor: Int32 = -1
        do {
            (descriptor, base) = try openObject(bucket: bucket, key: key)
        } catch StorageError.noSuchKey {
            base = nil
        }
        defer { if descriptor >= 0 { FileSystem.closeDescriptor(descriptor) } }
        try Self.checkAppend(to: base, position: position)
        guard position <= maxSize, tailLength <= maxSize - position else {
            throw AppendRefusal.tooLarge(limit: maxSize)
        }

        let temporary = makeTempFilePath()
        do {
            let digests = try Self.concatenate(
                prefix: descriptor, prefixLength: base?.size ?? 0, source: source, into: temporary)
            var newMetadata = position == 0 ? metadata : base?.metadata ?? metadata
            newMetadata.objectType = .appendable
            newMetadata.etagOverride = Self.appendableETag(md5: digests.md5)
            let expected = base
            return try putObject(
                bucket: bucket, key: key, movingFile: temporary, md5: digests.md5, crc64: digests.crc64,
                metadata: newMetadata,
                check: { current in
                    if current == expected { return }
                    try Self.checkAppend(to: current, position: position)
                    throw StaleAppend()
                })
        } catch is StaleAppend {
            _ = unlink(temporary)
            return nil
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }

    private struct StaleAppend: Error {}

    static func checkAppend(to object: ObjectInfo?, position: Int64) throws {
        guard let object else {
            if position != 0 { throw AppendRefusal.positionNotEqualToLength(current: 0) }
            return
        }
        guard object.objectType == .appendable else { throw AppendRefusal.notAppendable }
        guard object.size == position else { throw AppendRefusal.positionNotEqualToLength(current: object.size) }
    }

    /// OSS gives appendable objects an ETag that is not the content MD5: 32
    /// hex digits whose last eight are zeros. Here: the first 12 bytes of the
    /// MD5 of the whole content, so it changes with every append.
    static func appendableETag(md5: [UInt8]) -> String {
        Hex.encode(Array(md5.prefix(12)), uppercase: true) + "00000000"
    }

    /// Writes `prefixLength` bytes read from `prefix` and then `source` into
    /// the new file `destination`, in bounded chunks.
    private static func concatenate(
        prefix: Int32, prefixLength: Int64, source: AppendSource, into destination: String
    ) throws -> FileContent.Digests {
        let writer = try HashingWriter(creating: destination)
        if prefixLength > 0 { try writer.copy(from: prefix, name: "object being appended to", length: prefixLength) }
        switch source {
        case .bytes(let bytes): try bytes.withUnsafeBytes { try writer.write($0) }
        case .file(let path): try writer.copy(file: path)
        }
        return writer.finish()
    }
}
