import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One index entry as persisted: what the object is and which file holds it.
struct ObjectEntry: Sendable, Equatable {
    var size: Int64
    var etag: String
    var crc64: UInt64
    var lastModified: Int64
    var metadata: ObjectMetadata
    /// Relative path inside the bucket directory; nil when it is the key's
    /// primary spelling (`KeyPath.primaryComponents`), as it nearly always is.
    var path: [UInt8]?
    var identity: FileIdentity
}

enum JournalRecord: Equatable {
    case put(key: [UInt8], entry: ObjectEntry)
    case delete(key: [UInt8])
}

/// Per-bucket append-only log of puts and deletes: `<root>/.oss/journal/<bucket>`.
///
/// Layout: the magic, then frames of `u32 length, body, u64 CRC-64 of body`
/// (little-endian). Replay stops at the first frame that is short or fails its
/// CRC, so a tail torn by a crash is ignored. A put is appended before the file
/// is renamed into place and a delete after the unlink, so the loader never
/// trusts a record for a file that is not there: it matches records to files by
/// `FileIdentity` and recomputes digests for anything unmatched.
enum JournalFormat {
    static let magic = Array("OSSJRNL1".utf8)
    static let tagPut: UInt8 = 1
    static let tagDelete: UInt8 = 2

    static func frame(_ record: JournalRecord) -> [UInt8] {
        var body = ByteWriter()
        switch record {
        case .put(let key, let entry):
            body.u8(tagPut)
            body.data(key)
            body.data(entry.path ?? [])
            body.u64(entry.identity.inode)
            body.i64(entry.identity.size)
            body.i64(entry.identity.mtimeNanoseconds)
            body.i64(entry.size)
            body.string(entry.etag)
            body.u64(entry.crc64)
            body.i64(entry.lastModified)
            let metadata = entry.metadata
            body.string(metadata.contentType)
            body.map(metadata.userMetadata)
            body.optionalString(metadata.cacheControl)
            body.optionalString(metadata.contentDisposition)
            body.optionalString(metadata.contentEncoding)
            body.optionalString(metadata.expires)
            body.map(metadata.attributes)
        case .delete(let key):
            body.u8(tagDelete)
            body.data(key)
        }
        var out = ByteWriter()
        out.u32(UInt32(truncatingIfNeeded: body.bytes.count))
        out.bytes += body.bytes
        out.u64(CRC64.checksum(body.bytes))
        return out.bytes
    }

    /// Records up to the first damaged frame; nil if the magic is wrong.
    static func records(in bytes: [UInt8]) -> [JournalRecord]? {
        guard bytes.starts(with: magic) else { return nil }
        var reader = ByteReader(bytes, offset: magic.count)
        var out: [JournalRecord] = []
        while let length = reader.u32(), Int(length) <= reader.remaining - 8 {
            let start = reader.offset
            let body = Array(bytes[start..<start + Int(length)])
            var frameReader = ByteReader(bytes, offset: start + Int(length))
            guard frameReader.u64() == CRC64.checksum(body), let record = decode(body) else { break }
            out.append(record)
            reader = frameReader
        }
        return out
    }

    static func decode(_ body: [UInt8]) -> JournalRecord? {
        var reader = ByteReader(body)
        switch reader.u8() {
        case tagPut:
            guard let key = reader.data(), let path = reader.data(),
                  let inode = reader.u64(), let fileSize = reader.i64(), let mtime = reader.i64(),
                  let size = reader.i64(), let etag = reader.string(), let crc = reader.u64(),
                  let lastModified = reader.i64(), let contentType = reader.string(),
                  let userMetadata = reader.map(), let cacheControl = reader.optionalString(),
                  let contentDisposition = reader.optionalString(), let contentEncoding = reader.optionalString(),
                  let expires = reader.optionalString(), let attributes = reader.map(),
                  reader.remaining == 0
            else { return nil }
            let metadata = ObjectMetadata(
                contentType: contentType, userMetadata: userMetadata, cacheControl: cacheControl,
                contentDisposition: contentDisposition, contentEncoding: contentEncoding,
                expires: expires, attributes: attributes)
            let entry = ObjectEntry(
                size: size, etag: etag, crc64: crc, lastModified: lastModified, metadata: metadata,
                path: path.isEmpty ? nil : path,
                identity: FileIdentity(inode: inode, size: fileSize, mtimeNanoseconds: mtime))
            return .put(key: key, entry: entry)
        case tagDelete:
            guard let key = reader.data(), reader.remaining == 0 else { return nil }
            return .delete(key: key)
        default:
            return nil
        }
    }
}

/// An open journal: appends go to the end of the file.
struct JournalWriter {
    let path: String
    private(set) var descriptor: Int32
    let fsync: Bool
    /// Records appended since the file was last rewritten from the index.
    private(set) var appended = 0

    /// Writes a fresh journal holding exactly `entries` (temp file + rename) and opens it.
    static func create(path: String, temporaryPath: String, entries: some Sequence<([UInt8], ObjectEntry)>, fsync: Bool) throws -> JournalWriter {
        var bytes = JournalFormat.magic
        for (key, entry) in entries {
            bytes += JournalFormat.frame(.put(key: key, entry: entry))
        }
        let fd = try FileSystem.openFile(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try FileSystem.writeAll(fd, bytes, path: temporaryPath)
            if fsync { try FileSystem.sync(fd, path: temporaryPath) }
            close(fd)
            try FileSystem.move(temporaryPath, path)
        } catch {
            close(fd)
            _ = unlink(temporaryPath)
            throw error
        }
        let descriptor = try FileSystem.openFile(path, O_WRONLY | O_APPEND)
        return JournalWriter(path: path, descriptor: descriptor, fsync: fsync)
    }

    mutating func append(_ record: JournalRecord) throws {
        try FileSystem.writeAll(descriptor, JournalFormat.frame(record), path: path)
        if fsync { try FileSystem.sync(descriptor, path: path) }
        appended += 1
    }

    mutating func replace(with other: JournalWriter) {
        closeDescriptor()
        self = other
    }

    mutating func closeDescriptor() {
        if descriptor >= 0 { FileSystem.closeDescriptor(descriptor) }
        descriptor = -1
    }
}
