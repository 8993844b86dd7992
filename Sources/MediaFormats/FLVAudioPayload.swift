/// The body of an audio tag / RTMP type-8 message (§4.1).
public enum FLVAudioPayload: Sendable, Equatable {
    /// AACPacketType 0: an AudioSpecificConfig.
    case aacSequenceHeader(ArraySlice<UInt8>)
    /// AACPacketType 1: one raw AAC frame, without ADTS.
    case aacFrame(ArraySlice<UInt8>)
    /// Any legacy SoundFormat other than AAC (MP3, Speex, G.711, …).
    case otherFormat(soundFormat: UInt8)
    /// SoundFormat 9: an Enhanced RTMP ExAudioHeader, whose codec we report
    /// without trying to parse it.
    case enhanced(fourCC: FourCC, packetType: UInt8)

    public static let soundFormatAAC: UInt8 = 10
    public static let soundFormatEnhanced: UInt8 = 9

    public init(parsing payload: ArraySlice<UInt8>) throws(FLVError) {
        var reader = ByteReader(payload)
        guard let first = reader.u8() else { throw .emptyPayload }
        let soundFormat = first >> 4
        switch soundFormat {
        case Self.soundFormatAAC:
            guard let packetType = reader.u8() else { throw .truncatedAudioHeader }
            switch packetType {
            case 0: self = .aacSequenceHeader(reader.rest())
            case 1: self = .aacFrame(reader.rest())
            default: throw .unknownAACPacketType(packetType)
            }
        case Self.soundFormatEnhanced:
            guard let code = reader.u32() else { throw .truncatedAudioHeader }
            self = .enhanced(fourCC: FourCC(rawValue: code), packetType: first & 0x0F)
        default:
            self = .otherFormat(soundFormat: soundFormat)
        }
    }

    public init(parsing payload: [UInt8]) throws(FLVError) {
        try self.init(parsing: payload[...])
    }
}
