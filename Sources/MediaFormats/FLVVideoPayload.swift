/// The body of a video tag / RTMP type-9 message (§4.2, §4.5).
public enum FLVVideoPayload: Sendable, Equatable {
    case avc(AVCVideoPacket)
    /// A legacy CodecID other than 7 (Sorenson, VP6, the non-standard HEVC 12…).
    case otherCodec(codecID: UInt8)
    /// FrameType 5: video info / command frame, carrying no picture.
    case command
    /// IsExHeader set: an Enhanced RTMP header, reported with its FourCC and
    /// never parsed as legacy AVC.
    case enhanced(fourCC: FourCC, packetType: UInt8, frameType: UInt8)

    public static let codecAVC: UInt8 = 7
    public static let frameTypeKey: UInt8 = 1
    public static let frameTypeCommand: UInt8 = 5

    public init(parsing payload: ArraySlice<UInt8>) throws(FLVError) {
        var reader = ByteReader(payload)
        guard let first = reader.u8() else { throw .emptyPayload }
        if first & 0x80 != 0 {
            guard let code = reader.u32() else { throw .truncatedVideoHeader }
            self = .enhanced(fourCC: FourCC(rawValue: code), packetType: first & 0x0F,
                             frameType: (first >> 4) & 0x07)
            return
        }
        let frameType = first >> 4
        let codecID = first & 0x0F
        if frameType == Self.frameTypeCommand {
            self = .command
            return
        }
        guard codecID == Self.codecAVC else {
            self = .otherCodec(codecID: codecID)
            return
        }
        guard let rawType = reader.u8(), let rawTime = reader.u24() else { throw .truncatedVideoHeader }
        guard let packetType = AVCVideoPacket.PacketType(rawValue: rawType) else {
            throw .unknownAVCPacketType(rawType)
        }
        // s24, sign-extended: B-frame streams may carry negative offsets.
        let composition = Int32(bitPattern: rawTime << 8) >> 8
        self = .avc(AVCVideoPacket(frameType: frameType, packetType: packetType,
                                   compositionTime: composition, body: reader.rest()))
    }

    public init(parsing payload: [UInt8]) throws(FLVError) {
        try self.init(parsing: payload[...])
    }
}

/// A legacy AVC video tag body after its 5-byte header.
public struct AVCVideoPacket: Sendable, Equatable {
    public enum PacketType: UInt8, Sendable {
        case sequenceHeader = 0
        case nalUnits = 1
        case endOfSequence = 2
    }

    /// 1 key frame, 2 inter, 3 disposable, 4 generated key frame.
    public var frameType: UInt8
    public var packetType: PacketType
    /// Milliseconds, PTS − DTS.
    public var compositionTime: Int32
    /// AVCDecoderConfigurationRecord, or length-prefixed NAL units.
    public var body: ArraySlice<UInt8>

    public var isKeyframe: Bool { frameType == FLVVideoPayload.frameTypeKey }
}
