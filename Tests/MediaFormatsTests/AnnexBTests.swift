import Testing
@testable import MediaFormats

@Suite struct AnnexBTests {
    static let config = AVCDecoderConfigurationRecord(
        profileIndication: 66, profileCompatibility: 0xC0, levelIndication: 30, nalLengthSize: 4,
        sequenceParameterSets: [[0x67, 0x42, 0xC0, 0x1E, 0xDA, 0x05, 0x07, 0xE4]],
        pictureParameterSets: [[0x68, 0xCE, 0x3C, 0x80]])

    static func avcc(_ nals: [[UInt8]], lengthSize: Int = 4) -> [UInt8] {
        var out: [UInt8] = []
        for nal in nals {
            for k in stride(from: lengthSize - 1, through: 0, by: -1) { out.append(UInt8((nal.count >> (8 * k)) & 0xFF)) }
            out += nal
        }
        return out
    }

    static let aud: [UInt8] = [0, 0, 0, 1, 0x09, 0xF0]
    static let sc: [UInt8] = [0, 0, 0, 1]

    @Test func idrWithoutParameterSetsGetsThemAfterTheAUD() throws {
        let sei: [UInt8] = [0x06, 0x05, 0x01, 0xAA]
        let idr: [UInt8] = [0x65, 0x88, 0x84, 0x00, 0x00, 0x03, 0x01]
        let out = try AnnexBAccessUnit.convert(Self.avcc([sei, idr])[...], config: Self.config)
        let expected = Self.aud + Self.sc + Self.config.sequenceParameterSets[0] + Self.sc
            + Self.config.pictureParameterSets[0] + Self.sc + sei + Self.sc + idr
        #expect(out == expected)  // emulation prevention in slices is left alone
    }

    @Test func idrWithItsOwnParameterSetsKeepsThem() throws {
        let sps: [UInt8] = [0x67, 0x42, 0xC0, 0x1F, 0x11]
        let pps: [UInt8] = [0x68, 0x01]
        let idr: [UInt8] = [0x65, 0x88]
        let out = try AnnexBAccessUnit.convert(Self.avcc([sps, pps, idr])[...], config: Self.config)
        #expect(out == Self.aud + Self.sc + sps + Self.sc + pps + Self.sc + idr)
    }

    @Test func interFrameDropsInputAUDFillerAndEmptyNALs() throws {
        let slice: [UInt8] = [0x41, 0x9A, 0x02]
        let out = try AnnexBAccessUnit.convert(Self.avcc([[0x09, 0x10], [], [0x0C, 0xFF, 0xFF], slice])[...],
                                               config: Self.config)
        #expect(out == Self.aud + Self.sc + slice)
    }

    @Test(arguments: [1, 2, 4])
    func nalLengthSizes(_ size: Int) throws {
        var config = Self.config
        config.nalLengthSize = size
        let slice: [UInt8] = [0x41, 0x01, 0x02]
        #expect(try AnnexBAccessUnit.convert(Self.avcc([slice, slice], lengthSize: size)[...], config: config) ==
            Self.aud + Self.sc + slice + Self.sc + slice)
    }

    @Test func malformedAccessUnits() {
        #expect(throws: H264Error.truncatedNALUnit(offset: 0)) {
            try AnnexBAccessUnit.convert([0, 0, 0, 9, 0x41][...], config: Self.config)
        }
        #expect(throws: H264Error.truncatedNALUnit(offset: 5)) {
            try AnnexBAccessUnit.convert([0, 0, 0, 1, 0x41, 0, 0][...], config: Self.config)
        }
        var config = Self.config
        config.nalLengthSize = 3
        #expect(throws: H264Error.invalidNALLengthSize(3)) { try AnnexBAccessUnit.convert([][...], config: config) }
    }

    @Test func accessUnitLimits() throws {
        // H264Limits.maxNALUnitsPerAccessUnit
        let nals = Array(repeating: [UInt8(0x41)], count: H264Limits.maxNALUnitsPerAccessUnit)
        _ = try AnnexBAccessUnit.convert(Self.avcc(nals)[...], config: Self.config)
        #expect(throws: H264Error.tooManyNALUnits(H264Limits.maxNALUnitsPerAccessUnit + 1)) {
            try AnnexBAccessUnit.convert(Self.avcc(nals + [[0x41]])[...], config: Self.config)
        }
        // H264Limits.maxAccessUnitSize
        let big = Self.avcc([[0x41] + [UInt8](repeating: 1, count: H264Limits.maxAccessUnitSize - 5)])
        #expect(big.count == H264Limits.maxAccessUnitSize)
        _ = try AnnexBAccessUnit.convert(big[...], config: Self.config)
        #expect(throws: H264Error.accessUnitTooLarge(H264Limits.maxAccessUnitSize + 1)) {
            try AnnexBAccessUnit.convert((big + [0])[...], config: Self.config)
        }
    }
}
