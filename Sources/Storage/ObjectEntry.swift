import Digest

/// One index entry as kept in memory and in the journal, compact because a
/// bucket may hold 100,000 of them: the MD5 inline, the metadata encoded.
struct ObjectEntry: Sendable, Equatable {
    var size: Int64
    var md5: MD5Value
    var crc64: UInt64
    var lastModified: Int64
    var metadata: MetadataBlob
    /// Relative path inside the bucket directory; nil when it is the key's
    /// primary spelling (`KeyPath.primaryComponents`), as it nearly always is.
    var path: [UInt8]?
    var identity: FileIdentity

    /// The entry as callers see it. An MD5 still deferred (`MD5Value.pending`)
    /// gives an empty ETag and `contentMD5`: the store's read paths complete
    /// it (`ObjectStore.completeMD5`) before an info leaves them, except where
    /// a caller asked for no ETags.
    func info(key: [UInt8]) -> ObjectInfo {
        let metadata = metadata.decoded
        let pending = md5.isPending
        return ObjectInfo(
            key: String(decoding: key, as: UTF8.self), size: size,
            etag: metadata.etagOverride ?? (pending ? "" : md5.hex),
            lastModified: lastModified, crc64: crc64, metadata: metadata, contentMD5: pending ? [] : md5.bytes)
    }
}

/// A 16-byte MD5 held in two words instead of a heap-allocated array or string.
struct MD5Value: Sendable, Equatable {
    var high: UInt64
    var low: UInt64

    /// An MD5 not computed yet (an object committed with its MD5 deferred,
    /// see `PendingObject`): all zero bytes, which no content hashes to in
    /// practice; kept as such in the journal, so it stays deferred across a restart.
    static let pending = MD5Value(high: 0, low: 0)
    var isPending: Bool { high == 0 && low == 0 }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// nil unless exactly 16 bytes.
    init?(_ bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Big-endian, `high` first; built in place (read on every GET and HEAD).
    var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 16) { out, count in
            for index in 0..<8 {
                out[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                out[index + 8] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
            }
            count = 16
        }
    }

    /// The ETag form: upper-case hex, written in place.
    var hex: String {
        String(unsafeUninitializedCapacity: 32) { out in
            for index in 0..<16 {
                let word = index < 8 ? high : low
                let byte = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (index % 8)))
                out[2 * index] = Self.hexDigits[Int(byte >> 4)]
                out[2 * index + 1] = Self.hexDigits[Int(byte & 0x0F)]
            }
            return 32
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

/// `ObjectMetadata` in its journal encoding; decoded only when an
/// `ObjectInfo` is made. The default metadata is the empty blob (no allocation).
struct MetadataBlob: Sendable, Equatable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    init(_ metadata: ObjectMetadata) {
        guard metadata != ObjectMetadata() else {
            bytes = []
            return
        }
        var writer = ByteWriter()
        writer.string(metadata.contentType)
        writer.map(metadata.userMetadata)
        writer.optionalString(metadata.cacheControl)
        writer.optionalString(metadata.contentDisposition)
        writer.optionalString(metadata.contentEncoding)
        writer.optionalString(metadata.expires)
        writer.map(metadata.attributes)
        bytes = writer.bytes
    }

    var decoded: ObjectMetadata { Self.decode(bytes) ?? ObjectMetadata() }

    static func decode(_ bytes: [UInt8]) -> ObjectMetadata? {
        guard !bytes.isEmpty else { return ObjectMetadata() }
        var reader = ByteReader(bytes)
        guard let contentType = reader.string(), let userMetadata = reader.map(),
              let cacheControl = reader.optionalString(), let contentDisposition = reader.optionalString(),
              let contentEncoding = reader.optionalString(), let expires = reader.optionalString(),
              let attributes = reader.map(), reader.remaining == 0
        else { return nil }
        return ObjectMetadata(
            contentType: contentType, userMetadata: userMetadata, cacheControl: cacheControl,
            contentDisposition: contentDisposition, contentEncoding: contentEncoding,
            expires: expires, attributes: attributes)
    }
}

extension MetadataBlob {
    /// The attributes an access check reads, taken from the encoding
    /// without building the `ObjectMetadata` (its dictionaries and strings):
    /// a GET by an anonymous client reads them on every request. A blob that
    /// does not decode gives none, as `decoded` then gives the default metadata.
    var access: ObjectAccess {
        bytes.withUnsafeBufferPointer { buffer in
            var access = ObjectAccess()
            guard let start = Self.attributeMapOffset(buffer) else { return access }
            var isSymlink = false
            var symlinkTarget: String?
            var offset = start
            let count = Self.readCount(buffer, &offset)
            for _ in 0..<count {
                let name = Self.readField(buffer, &offset)
                let value = Self.readField(buffer, &offset)
                if name.elementsEqual(ObjectMetadata.Attribute.acl.utf8) {
                    access.acl = String(decoding: value, as: UTF8.self)
                } else if name.elementsEqual(ObjectMetadata.Attribute.objectType.utf8) {
                    isSymlink = value.elementsEqual(ObjectType.symlink.rawValue.utf8)
                } else if name.elementsEqual(ObjectMetadata.Attribute.symlinkTarget.utf8) {
                    symlinkTarget = String(decoding: value, as: UTF8.self)
                }
            }
            access.symlinkTarget = isSymlink ? symlinkTarget : nil
            return access
        }
    }

    /// Where the attribute map starts, after checking the whole encoding as
    /// `decode` does (lengths within bounds, UTF-8 strings, nothing after
    /// the map); nil when it does not decode.
    private static func attributeMapOffset(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var offset = 0
        func string() -> Bool {
            guard buffer.count - offset >= 4 else { return false }
            let length = readCount(buffer, &offset)
            guard length <= buffer.count - offset else { return false }
            defer { offset += length }
            return KeyPath.isValidUTF8(buffer[offset..<offset + length])
        }
        func optionalString() -> Bool {
            guard offset < buffer.count else { return false }
            offset += 1
            switch buffer[offset - 1] {
            case 0: return true
            case 1: return string()
            default: return false
            }
        }
        func map() -> Bool {
            guard buffer.count - offset >= 4 else { return false }
            let count = readCount(buffer, &offset)
            guard count <= buffer.count - offset else { return false }
            for _ in 0..<count {
                guard string(), string() else { return false }
            }
            return true
        }
        guard !buffer.isEmpty, string(), map(),
              optionalString(), optionalString(), optionalString(), optionalString() else { return nil }
        let start = offset
        guard map(), offset == buffer.count else { return nil }
        return start
    }

    /// A little-endian `UInt32` at `offset` (bounds already checked).
    private static func readCount(_ buffer: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> Int {
        var value = 0
        for index in 0..<4 { value |= Int(buffer[offset + index]) << (8 * index) }
        offset += 4
        return value
    }

    /// A length-prefixed field (bounds already checked).
    private static func readField(_ buffer: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        let length = readCount(buffer, &offset)
        defer { offset += length }
        return buffer[offset..<offset + length]
    }
}

/// What an access check reads of an object (`ObjectStore.objectAccess`).
public struct ObjectAccess: Sendable, Equatable {
    /// The object's own ACL (`private`, `public-read`, `public-read-write`); nil when it follows the bucket's.
    public var acl: String?
    /// Where a symlink points; nil for every other object type.
    public var symlinkTarget: String?

    public init(acl: String? = nil, symlinkTarget: String? = nil) {
        self.acl = acl
        self.symlinkTarget = symlinkTarget
    }
}

/// Object keys as dictionary keys: compared by bytes (never by Unicode
/// equivalence, see `compareBytes`) and hashed in one call rather than per byte.
struct KeyBytes: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
