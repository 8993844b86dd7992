import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
    static let magic = Array("OSSJRNL2".utf8)
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
            body.u64(entry.md5.high)
            body.u64(entry.md5.low)
            body.u64(entry.crc64)
            body.i64(entry.lastModified)
            body.data(entry.metadata.bytes)
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
        replay(bytes)?.records
    }

    /// The records and how many bytes they span (a torn tail lies beyond).
    static func replay(_ bytes: [UInt8]) -> (records: [JournalRecord], validLength: Int)? {
        guard bytes.starts(with: magic) else { return nil }
        var reader = ByteReader(bytes, offset: magic.count)
        var out: [JournalRecord] = []
        var validLength = magic.count
        while let length = reader.u32(), Int(length) <= reader.remaining - 8 {
            let start = reader.offset
            let end = start + Int(length)
            var trailer = ByteReader(bytes, offset: end)
            guard trailer.u64() == CRC64.checksum(bytes[start..<end]),
                  let record = decode(ByteReader(bytes, offset: start, end: end))
            else { break }
            out.append(record)
            reader = trailer
            validLength = trailer.offset
        }
        return (out, validLength)
    }

    static func decode(_ body: [UInt8]) -> JournalRecord? {
        decode(ByteReader(body))
    }

    static func decode(_ reader: ByteReader) -> JournalRecord? {
        var reader = reader
        switch reader.u8() {
        case tagPut:
            guard let key = reader.data(), let path = reader.data(),
                  let inode = reader.u64(), let fileSize = reader.i64(), let mtime = reader.i64(),
                  let size = reader.i64(), let md5High = reader.u64(), let md5Low = reader.u64(),
                  let crc = reader.u64(), let lastModified = reader.i64(), let metadata = reader.data(),
                  reader.remaining == 0
            else { return nil }
            let entry = ObjectEntry(
                size: size, md5: MD5Value(high: md5High, low: md5Low), crc64: crc, lastModified: lastModified,
                metadata: MetadataBlob(bytes: metadata), path: path.isEmpty ? nil : path,
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
        try FileContent.replace(path, bytes: bytes, temporaryPath: temporaryPath, fsync: fsync)
        let descriptor = try FileSystem.openFile(path, O_WRONLY | O_APPEND)
        return JournalWriter(path: path, descriptor: descriptor, fsync: fsync)
    }

    /// Opens an existing journal for appending, cutting off a torn tail first
    /// (records appended after it would never be replayed).
    static func open(path: String, validLength: Int, fsync: Bool) throws -> JournalWriter {
        let descriptor = try FileSystem.openFile(path, O_WRONLY | O_APPEND)
        guard ftruncate(descriptor, off_t(validLength)) == 0 else {
            let error = FileSystem.failure("truncate", path)
            FileSystem.closeDescriptor(descriptor)
            throw error
        }
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
