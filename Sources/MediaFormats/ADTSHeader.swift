/// The 7-byte ADTS header (ISO/IEC 14496-3 §1.A.2, no CRC) put before each
/// raw AAC frame in MPEG-TS (§6.7).
public struct ADTSHeader: Sendable, Equatable {
    /// 2-bit profile: object type − 1 (0 Main, 1 LC, 2 SSR, 3 LTP).
    public var profile: UInt8
    public var samplingFrequencyIndex: UInt8
    public var channelConfiguration: UInt8

    public static let size = 7
    /// aac_frame_length is 13 bits and includes the header.
    public static let maxFrameLength = (1 << 13) - 1
    public static let maxPayloadSize = maxFrameLength - size

    public init(profile: UInt8, samplingFrequencyIndex: UInt8, channelConfiguration: UInt8) {
        self.profile = profile
        self.samplingFrequencyIndex = samplingFrequencyIndex
        self.channelConfiguration = channelConfiguration
    }

    /// HE-AAC (5) and HE-AACv2 (29) are written as LC at the core rate:
    /// decoders find SBR/PS implicitly.
    public init(config: AudioSpecificConfig) throws(AACError) {
        let objectType: UInt8
        switch config.objectType {
        case 1...4: objectType = config.objectType
        case AudioSpecificConfig.objectTypeSBR, AudioSpecificConfig.objectTypePS: objectType = 2
        default: throw .notRepresentableInADTS(reason: "object type \(config.objectType)")
        }
        guard config.samplingFrequencyIndex < 15 else {
            throw .notRepresentableInADTS(reason: "explicit sampling frequency")
        }
        guard config.channelConfiguration != 0, config.channelConfiguration < 8 else {
            throw .notRepresentableInADTS(reason: "channel configuration \(config.channelConfiguration)")
        }
        self.init(profile: objectType - 1, samplingFrequencyIndex: config.samplingFrequencyIndex,
                  channelConfiguration: config.channelConfiguration)
    }

    /// Header bytes for a raw frame of `payloadSize` bytes.
    public func bytes(payloadSize: Int) throws(AACError) -> [UInt8] {
        guard payloadSize >= 0, payloadSize <= Self.maxPayloadSize else { throw .frameTooLargeForADTS(payloadSize) }
        let packed = packed(payloadSize: payloadSize)
        return (0..<7).map { UInt8(truncatingIfNeeded: packed >> UInt64(48 - 8 * $0)) }
    }

    /// The header as the low 56 bits of a big-endian word. The caller has
    /// checked `payloadSize <= maxPayloadSize`.
    func packed(payloadSize: Int) -> UInt64 {
        let length = UInt64(payloadSize + Self.size)
        let chan = UInt64(channelConfiguration)
        var v: UInt64 = 0xFFF1
        v = v << 8 | UInt64(profile & 3) << 6 | UInt64(samplingFrequencyIndex & 0x0F) << 2 | (chan >> 2) & 1
        v = v << 8 | (chan & 3) << 6 | (length >> 11) & 3
        v = v << 8 | (length >> 3) & 0xFF
        v = v << 8 | (length & 7) << 5 | 0x1F
        v = v << 8 | 0xFC
        return v
    }
}
