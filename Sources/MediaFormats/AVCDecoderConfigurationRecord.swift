/// ISO/IEC 14496-15 §5.2.4.1, the body of an AVC sequence header (§4.3).
/// The optional high-profile trailer (chroma format, bit depths, SPS-ext) is
/// not kept: the SPS carries the same values.
public struct AVCDecoderConfigurationRecord: Sendable, Equatable {
    public var profileIndication: UInt8
    public var profileCompatibility: UInt8
    public var levelIndication: UInt8
    /// 1, 2 or 4: bytes of each NAL unit length prefix in the video packets.
    public var nalLengthSize: Int
    /// Complete NAL units, header byte included.
    public var sequenceParameterSets: [[UInt8]]
    public var pictureParameterSets: [[UInt8]]

    public init(profileIndication: UInt8, profileCompatibility: UInt8, levelIndication: UInt8,
                nalLengthSize: Int, sequenceParameterSets: [[UInt8]], pictureParameterSets: [[UInt8]]) {
        self.profileIndication = profileIndication
        self.profileCompatibility = profileCompatibility
        self.levelIndication = levelIndication
        self.nalLengthSize = nalLengthSize
        self.sequenceParameterSets = sequenceParameterSets
        self.pictureParameterSets = pictureParameterSets
    }

    public init(parsing bytes: ArraySlice<UInt8>) throws(H264Error) {
        var reader = ByteReader(bytes)
        guard let version = reader.u8() else { throw .truncatedConfigurationRecord }
        guard version == 1 else { throw .unsupportedConfigurationVersion(version) }
        guard let profile = reader.u8(), let compatibility = reader.u8(), let level = reader.u8(),
              let lengthByte = reader.u8(), let spsCountByte = reader.u8()
        else { throw .truncatedConfigurationRecord }
        let lengthSize = Int(lengthByte & 0x03) + 1
        guard lengthSize != 3 else { throw .invalidNALLengthSize(lengthSize) }
        var sps: [[UInt8]] = []
        for _ in 0..<Int(spsCountByte & 0x1F) {
            guard let size = reader.u16(), let nal = reader.take(Int(size)) else {
                throw .truncatedConfigurationRecord
            }
            sps.append(Array(nal))
        }
        guard let ppsCount = reader.u8() else { throw .truncatedConfigurationRecord }
        var pps: [[UInt8]] = []
        for _ in 0..<Int(ppsCount) {
            guard let size = reader.u16(), let nal = reader.take(Int(size)) else {
                throw .truncatedConfigurationRecord
            }
            pps.append(Array(nal))
        }
        guard sps.contains(where: { !$0.isEmpty }) else { throw .missingSPS }
        guard pps.contains(where: { !$0.isEmpty }) else { throw .missingPPS }
        self.init(profileIndication: profile, profileCompatibility: compatibility, levelIndication: level,
                  nalLengthSize: lengthSize, sequenceParameterSets: sps, pictureParameterSets: pps)
    }

    public init(parsing bytes: [UInt8]) throws(H264Error) { try self.init(parsing: bytes[...]) }

    /// The inverse of `init(parsing:)`. Sets beyond the field widths (31 SPS,
    /// 255 PPS, 65535 bytes each) are not representable and are cut off.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = [1, profileIndication, profileCompatibility, levelIndication,
                            0xFC | UInt8(truncatingIfNeeded: nalLengthSize - 1)]
        let spsList = sequenceParameterSets.prefix(31)
        out.append(0xE0 | UInt8(spsList.count))
        for nal in spsList { Self.appendSized(nal, to: &out) }
        let ppsList = pictureParameterSets.prefix(255)
        out.append(UInt8(ppsList.count))
        for nal in ppsList { Self.appendSized(nal, to: &out) }
        return out
    }

    private static func appendSized(_ nal: [UInt8], to out: inout [UInt8]) {
        let body = nal.prefix(0xFFFF)
        out.append(UInt8(body.count >> 8))
        out.append(UInt8(body.count & 0xFF))
        out.append(contentsOf: body)
    }

    /// The first non-empty SPS, parsed.
    public func parsedSPS() throws(H264Error) -> SequenceParameterSet {
        guard let first = sequenceParameterSets.first(where: { !$0.isEmpty }) else { throw .missingSPS }
        return try SequenceParameterSet(parsing: first)
    }
}
