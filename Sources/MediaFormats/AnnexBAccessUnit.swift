/// AVCC (length-prefixed) access unit → Annex B, as §6.6 lays it out: one
/// AUD first, SPS/PPS from the configuration record before an IDR that lacks
/// its own, every NAL behind a 4-byte start code. NAL bytes are not copied
/// here; the result is a list of pieces pointing into the input.
public enum AnnexBAccessUnit {
    /// `00 00 00 01 09 F0`: AUD with primary_pic_type 7 (any slice type).
    static let accessUnitDelimiter = PESPayloadPiece.inline(0x0000_0001_09F0, count: 6)

    public enum NALType {
        public static let idr: UInt8 = 5
        public static let sps: UInt8 = 7
        public static let pps: UInt8 = 8
        public static let aud: UInt8 = 9
        public static let filler: UInt8 = 12
    }

    /// Every SPS then every PPS of the record, each behind a start code.
    public static func parameterSets(of config: AVCDecoderConfigurationRecord) -> [UInt8] {
        var out: [UInt8] = []
        for nal in config.sequenceParameterSets + config.pictureParameterSets where !nal.isEmpty {
            out.append(contentsOf: [0, 0, 0, 1])
            out.append(contentsOf: nal)
        }
        return out
    }

    /// Replaces `pieces` with the Annex B form of `accessUnit`. Returns
    /// whether the access unit holds an IDR slice.
    @discardableResult
    public static func pieces(of accessUnit: ArraySlice<UInt8>, nalLengthSize: Int, parameterSets: [UInt8],
                              into pieces: inout [PESPayloadPiece]) throws(H264Error) -> Bool {
        guard accessUnit.count <= H264Limits.maxAccessUnitSize else { throw .accessUnitTooLarge(accessUnit.count) }
        guard nalLengthSize == 1 || nalLengthSize == 2 || nalLengthSize == 4 else {
            throw .invalidNALLengthSize(nalLengthSize)
        }
        pieces.removeAll(keepingCapacity: true)
        pieces.append(accessUnitDelimiter)
        pieces.append(.inline(0, count: 0))  // room for SPS/PPS, decided once the whole unit is seen
        var hasIDR = false
        var hasParameterSets = false
        var nalCount = 0
        var i = accessUnit.startIndex
        let end = accessUnit.endIndex
        while i < end {
            guard end - i >= nalLengthSize else { throw .truncatedNALUnit(offset: i - accessUnit.startIndex) }
            var length = 0
            for k in 0..<nalLengthSize { length = length << 8 | Int(accessUnit[i + k]) }
            let nalStart = i + nalLengthSize
            guard end - nalStart >= length else { throw .truncatedNALUnit(offset: i - accessUnit.startIndex) }
            i = nalStart + length
            if length == 0 { continue }
            nalCount += 1
            guard nalCount <= H264Limits.maxNALUnitsPerAccessUnit else { throw .tooManyNALUnits(nalCount) }
            switch accessUnit[nalStart] & 0x1F {
            case NALType.aud, NALType.filler:
                continue
            case NALType.sps, NALType.pps:
                hasParameterSets = true
            case NALType.idr:
                hasIDR = true
            default:
                break
            }
            pieces.append(PESPayloadPiece.startCode)
            pieces.append(.bytes(accessUnit[nalStart..<i]))
        }
        if hasIDR, !hasParameterSets, !parameterSets.isEmpty {
            pieces[1] = .bytes(parameterSets[...])
        }
        return hasIDR
    }

    /// The Annex B bytes themselves, for callers that want a plain buffer.
    public static func convert(_ accessUnit: ArraySlice<UInt8>,
                               config: AVCDecoderConfigurationRecord) throws(H264Error) -> [UInt8] {
        var list: [PESPayloadPiece] = []
        try pieces(of: accessUnit, nalLengthSize: config.nalLengthSize, parameterSets: parameterSets(of: config),
                   into: &list)
        var out: [UInt8] = []
        for piece in list {
            switch piece {
            case .bytes(let slice): out.append(contentsOf: slice)
            case .inline(let value, let count):
                for k in 0..<count { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - k)))) }
            }
        }
        return out
    }
}
