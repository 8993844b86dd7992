import Digest

/// A multipart upload in progress: the key and metadata its object will get.
public struct MultipartUpload: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    /// Epoch milliseconds.
    public var initiated: Int64
    public var metadata: ObjectMetadata
}

/// One uploaded part.
public struct UploadedPart: Sendable, Equatable {
    public var partNumber: Int
    public var size: Int64
    public var md5: [UInt8]
    public var crc64: UInt64
    /// Epoch milliseconds.
    public var lastModified: Int64
    /// Upper-case hex MD5, as OSS reports a part's ETag.
    public var etag: String { Hex.encode(md5, uppercase: true) }

    /// The ETag of an object made of `parts`: upper-case hex MD5 of their
    /// binary MD5s one after another, `-`, the part count (as OSS computes it).
    public static func objectETag(_ parts: [UploadedPart]) -> String {
        Hex.encode(Hash.md5(parts.flatMap(\.md5)), uppercase: true) + "-" + String(parts.count)
    }
}

public enum MultipartError: Error, Sendable, Equatable {
    case noSuchUpload(String)
    /// A part of a `?sequential` upload arrived after a higher-numbered one.
    case partNotSequential(partNumber: Int, highest: Int)
}

/// Where uploads live and how their files are named:
///
///     <root>/.oss/multipart/<bucket>/<upload id>/upload     key, initiation time, metadata
///     <root>/.oss/multipart/<bucket>/<upload id>/<part>     one file per part
///
/// A part file's name carries everything known about it besides its size:
/// `<number, 5 digits>-<sequence, 20 hex>-<MD5, 32 hex>-<CRC-64, 16 hex>`,
/// the sequence being the upload time in ms (12 hex) and a counter (8 hex).
/// A part is put in place by one rename, so a crash never leaves a part
/// whose name and content disagree; when two files hold one part number (a
/// crash between a re-upload and the removal of the older file) the higher
/// sequence wins. Bucket deletion removes the bucket's folder with its other
/// state records.
enum MultipartFiles {
    static let namespace = "multipart"
    static let recordName = "upload"
    static let recordMagic: UInt32 = 0x4D50_5531  // "MPU1"
    static let maxRecordBytes = 1 << 20

    /// Upload IDs are 32 upper-case hex digits; anything else is no upload
    /// (and never reaches a path).
    static func isValidUploadId(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }
    }

    static func encodeRecord(key: String, initiated: Int64, metadata: ObjectMetadata) -> [UInt8] {
        var writer = ByteWriter()
        writer.u32(recordMagic)
        writer.string(key)
        writer.i64(initiated)
        writer.data(MetadataBlob(metadata).bytes)
        return writer.bytes
    }

    static func decodeRecord(_ bytes: [UInt8]) -> (key: String, initiated: Int64, metadata: ObjectMetadata)? {
        var reader = ByteReader(bytes)
        guard reader.u32() == recordMagic, let key = reader.string(), let initiated = reader.i64(),
              let blob = reader.data(), let metadata = MetadataBlob.decode(blob), reader.remaining == 0
        else { return nil }
        return (key, initiated, metadata)
    }

    struct PartName: Equatable {
        var partNumber: Int
        /// Orders re-uploads of one part number.
        var sequence: String
        var lastModified: Int64
        var md5: [UInt8]
        var crc64: UInt64
    }

    static func partFileName(_ part: PartName) -> String {
        let number = String(part.partNumber)
        return String(repeating: "0", count: max(0, 5 - number.count)) + number + "-" + part.sequence + "-"
            + Hex.encode(part.md5, uppercase: true) + "-" + hex(part.crc64, digits: 16)
    }

    static func sequence(milliseconds: Int64, counter: UInt32) -> String {
        hex(UInt64(max(0, milliseconds)), digits: 12) + hex(UInt64(counter), digits: 8)
    }

    static func parsePartFileName(_ name: String) -> PartName? {
        let fields = name.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].utf8.count == 5, let number = Int(fields[0]),
              fields[1].utf8.count == 20, let milliseconds = Int64(fields[1].prefix(12), radix: 16),
              fields[2].utf8.count == 32, let md5 = bytes(hex: fields[2]),
              fields[3].utf8.count == 16, let crc = UInt64(fields[3], radix: 16)
        else { return nil }
        return PartName(partNumber: number, sequence: String(fields[1]), lastModified: milliseconds, md5: md5, crc64: crc)
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = UInt8(String(UnicodeScalar(high)), radix: 16),
                  let l = UInt8(String(UnicodeScalar(low)), radix: 16) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
