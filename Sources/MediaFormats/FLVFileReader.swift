/// Reads an FLV file held in memory (§4.6): the 9-byte header, then tags
/// each followed by its PreviousTagSize. Tags are slices of the input.
public struct FLVFileReader: Sendable {
    public struct Header: Sendable, Equatable {
        public var version: UInt8
        public var hasAudio: Bool
        public var hasVideo: Bool
        public var dataOffset: UInt32
    }

    static let tagHeaderSize = 11

    public let header: Header
    private let bytes: ArraySlice<UInt8>
    private var offset: Int
    /// Rejects a PreviousTagSize that disagrees with the tag before it. Some
    /// old writers get it wrong; turn this off to read those anyway.
    public var validatesPreviousTagSize = true

    public init(bytes: [UInt8]) throws(FLVError) {
        try self.init(bytes: bytes[...])
    }

    public init(bytes: ArraySlice<UInt8>) throws(FLVError) {
        var reader = ByteReader(bytes)
        guard let f = reader.u8(), let l = reader.u8(), let v = reader.u8() else { throw .truncatedHeader }
        guard f == 0x46, l == 0x4C, v == 0x56 else { throw .invalidSignature }
        guard let version = reader.u8(), let flags = reader.u8(), let dataOffset = reader.u32() else {
            throw .truncatedHeader
        }
        guard version == 1 else { throw .unsupportedVersion(version) }
        guard dataOffset >= 9, Int(dataOffset) <= bytes.count else { throw .invalidDataOffset(dataOffset) }
        header = Header(version: version, hasAudio: flags & 0x04 != 0, hasVideo: flags & 0x01 != 0,
                        dataOffset: dataOffset)
        self.bytes = bytes
        // Skip any header extension and PreviousTagSize0, which is always 0
        // in practice and carries nothing.
        let start = bytes.startIndex + Int(dataOffset)
        guard bytes.endIndex - start >= 4 else { throw .truncatedHeader }
        offset = start + 4
    }

    /// The next tag, or nil at the end of the file.
    public mutating func next() throws(FLVError) -> FLVTag? {
        if offset == bytes.endIndex { return nil }
        let tagOffset = offset - bytes.startIndex
        var reader = ByteReader(bytes[offset...])
        guard let typeByte = reader.u8(), let size = reader.u24(), let low = reader.u24(),
              let high = reader.u8(), reader.u24() != nil,
              let body = reader.take(Int(size)), let previous = reader.u32()
        else { throw .truncatedTag(offset: tagOffset) }
        let expected = UInt32(FLVFileReader.tagHeaderSize) + size
        if validatesPreviousTagSize, previous != expected {
            throw .previousTagSizeMismatch(offset: tagOffset, expected: expected, found: previous)
        }
        offset = reader.index
        // The filter bit (0x20) marks encrypted tags; the type is the low 5 bits.
        return FLVTag(type: typeByte & 0x1F, timestamp: UInt32(high) << 24 | low, payload: body)
    }

    /// All remaining tags.
    public mutating func readAll() throws(FLVError) -> [FLVTag] {
        var tags: [FLVTag] = []
        while let tag = try next() { tags.append(tag) }
        return tags
    }
}
