/// Writes an FLV file (§4.6): the 9-byte header, PreviousTagSize0, then each
/// tag followed by its PreviousTagSize. The inverse of `FLVFileReader`.
public struct FLVFileWriter: Sendable {
    /// The largest tag body a tag header's 24-bit DataSize can state.
    public static let maxPayloadSize = 0xFF_FFFF

    public private(set) var bytes: [UInt8]

    public init(hasAudio: Bool, hasVideo: Bool) {
        let flags: UInt8 = (hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0)
        bytes = [0x46, 0x4C, 0x56, 1, flags, 0, 0, 0, 9, 0, 0, 0, 0]
    }

    /// Appends one tag. The timestamp's low 24 bits go first, its high 8
    /// bits in TimestampExtended; StreamID is always 0.
    public mutating func append(_ tag: FLVTag) throws(FLVError) {
        let size = tag.payload.count
        guard size <= Self.maxPayloadSize else { throw .payloadTooLarge(size) }
        bytes.append(tag.type)
        append24(UInt32(size))
        append24(tag.timestamp & 0xFF_FFFF)
        bytes.append(UInt8(tag.timestamp >> 24))
        append24(0)
        bytes.append(contentsOf: tag.payload)
        let previous = UInt32(FLVFileReader.tagHeaderSize + size)
        bytes.append(contentsOf: [UInt8(previous >> 24), UInt8(previous >> 16 & 0xFF), UInt8(previous >> 8 & 0xFF), UInt8(previous & 0xFF)])
    }

    private mutating func append24(_ value: UInt32) {
        bytes.append(contentsOf: [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}
