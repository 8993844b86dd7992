/// Malformed FLV file structure or tag body (Adobe FLV spec v10.1, Annex E).
public enum FLVError: Error, Equatable, Sendable {
    case truncatedHeader
    case invalidSignature
    case unsupportedVersion(UInt8)
    case invalidDataOffset(UInt32)
    case truncatedTag(offset: Int)
    case previousTagSizeMismatch(offset: Int, expected: UInt32, found: UInt32)
    case emptyPayload
    case truncatedAudioHeader
    case truncatedVideoHeader
    case unknownAACPacketType(UInt8)
    case unknownAVCPacketType(UInt8)
    /// A tag body longer than a tag header can state (writing).
    case payloadTooLarge(Int)
}
