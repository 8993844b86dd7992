import Testing
@testable import MediaFormats

@Suite struct PSITests {
    @Test func crcCheckValue() {
        #expect(CRC32MPEG2.checksum(Array("123456789".utf8)) == 0x0376_E6E7)
    }

    @Test func patAndPMTMatchTheSpecVectors() {
        #expect(PSISections.pat() == hex("00 B0 0D 00 01 C1 00 00 00 01 F0 01 2E 70 19 05"))
        #expect(PSISections.pmt(TSProgram(hasVideo: true, hasAudio: true)) ==
            hex("02 B0 17 00 01 C1 00 00 E1 00 F0 00 1B E1 00 F0 00 0F E1 01 F0 00 2F 44 B9 9B"))
    }

    @Test func singleStreamPMTs() {
        // Audio only: the PCR moves to the audio PID.
        #expect(PSISections.pmt(TSProgram(hasVideo: false, hasAudio: true)) ==
            hex("02 B0 12 00 01 C1 00 00 E1 01 F0 00 0F E1 01 F0 00 EC E2 B0 94"))
        #expect(PSISections.pmt(TSProgram(hasVideo: true, hasAudio: false)) ==
            hex("02 B0 12 00 01 C1 00 00 E1 00 F0 00 1B E1 00 F0 00 15 BD 4D 56"))
    }

    @Test func tablePacketsAndTheirCounters() {
        var muxer = TSMuxer(continuity: TSContinuity(pat: 15, pmt: 3))
        var out: [UInt8] = []
        muxer.writeTables(TSProgram(hasVideo: true, hasAudio: true), into: &out)
        #expect(out.count == 2 * 188)
        #expect(Array(out[0..<5]) == [0x47, 0x40, 0x00, 0x1F, 0x00])  // PUSI, PID 0, payload only, CC 15, pointer 0
        #expect(Array(out[5..<21]) == PSISections.pat())
        #expect(out[21..<188].allSatisfy { $0 == 0xFF })
        #expect(Array(out[188..<193]) == [0x47, 0x50, 0x01, 0x13, 0x00])  // PID 0x1001, CC 3
        #expect(muxer.continuity == TSContinuity(pat: 0, pmt: 4))  // wraps mod 16
    }
}

@Suite struct PESTests {
    @Test func timestampGoldenBytes() {
        // 1.4 s = 126000 ticks, as FFmpeg's first PTS.
        #expect(PESTimestamp.encode(126_000, prefix: PESTimestamp.prefixPTSOnly) == [0x21, 0x00, 0x07, 0xD8, 0x61])
        #expect(PESTimestamp.encode((1 << 33) - 1, prefix: PESTimestamp.prefixPTSWithDTS) == [0x3F, 0xFF, 0xFF, 0xFF, 0xFF])
        // Values are taken modulo 2^33.
        #expect(PESTimestamp.encode(1 << 33, prefix: PESTimestamp.prefixDTS) == [0x11, 0x00, 0x01, 0x00, 0x01])
        #expect(PESTimestamp.encode(-1, prefix: PESTimestamp.prefixDTS) == [0x1F, 0xFF, 0xFF, 0xFF, 0xFF])
        // PCR base 63000, reserved bits set, extension 0.
        #expect(PESTimestamp.encodePCR(63_000) == [0x00, 0x00, 0x7B, 0x0C, 0x7E, 0x00])
        #expect(PESTimestamp.encodePCR((1 << 33) - 1) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x00])
    }

    static func write(_ h: TSMuxer.PESHeader, payload: [UInt8], muxer: inout TSMuxer) -> [UInt8] {
        var out: [UInt8] = []
        muxer.writePES(h, pieces: [.bytes(payload[...])], into: &out)
        return out
    }

    static let audioHeader = TSMuxer.PESHeader(pid: TSLayout.audioPID, streamID: 0xC0, pts: 126_000, dts: 126_000,
                                               boundedLength: true)

    @Test func oneByteStuffingIsALoneLengthByte() {
        var muxer = TSMuxer()
        let payload = [UInt8](repeating: 0xAB, count: 169)  // 184 − 14 − 1
        let out = Self.write(Self.audioHeader, payload: payload, muxer: &muxer)
        #expect(out.count == 188)
        #expect(Array(out[0..<5]) == [0x47, 0x41, 0x01, 0x30, 0x00])  // AFC 11, adaptation_field_length 0
        // PES_packet_length = 3 + 5 + 169 = 0xB1.
        #expect(Array(out[5..<19]) == [0, 0, 1, 0xC0, 0x00, 0xB1, 0x80, 0x80, 0x05, 0x21, 0x00, 0x07, 0xD8, 0x61])
        #expect(Array(out[19...]) == payload)
    }

    @Test func twoAndMoreStuffingBytes() {
        var muxer = TSMuxer()
        let two = Self.write(Self.audioHeader, payload: [UInt8](repeating: 1, count: 168), muxer: &muxer)
        #expect(Array(two[3..<6]) == [0x30, 0x01, 0x00])  // CC 0; length 1, flags 0, no fill
        #expect(two[6] == 0x00 && two[7] == 0x00 && two[8] == 0x01)  // PES start code right after
        let many = Self.write(Self.audioHeader, payload: [UInt8](repeating: 1, count: 100), muxer: &muxer)
        #expect(Array(many[3..<6]) == [0x31, 69, 0x00])  // CC 1; 70 stuffing bytes: length 69, flags, 68 × FF
        #expect(many[6..<74].allSatisfy { $0 == 0xFF })
        #expect(Array(many[74..<77]) == [0, 0, 1])
        let exact = Self.write(Self.audioHeader, payload: [UInt8](repeating: 1, count: 170), muxer: &muxer)
        #expect(exact[3] == 0x12)  // CC 2; fits exactly: payload only
    }

    @Test func pcrAndRandomAccessGrowTheAdaptationField() {
        var muxer = TSMuxer()
        let h = TSMuxer.PESHeader(pid: TSLayout.videoPID, streamID: 0xE0, pts: 129_000, dts: 126_000,
                                  pcr: 63_000, randomAccess: true, boundedLength: false)
        // 184 − 8 (AF with PCR) − 19 (PTS+DTS header) = 157 fit; 155 leave 2 to stuff.
        let out = Self.write(h, payload: [UInt8](repeating: 7, count: 155), muxer: &muxer)
        #expect(out.count == 188)
        #expect(Array(out[0..<6]) == [0x47, 0x41, 0x00, 0x30, 9, 0x50])
        #expect(Array(out[6..<12]) == [0x00, 0x00, 0x7B, 0x0C, 0x7E, 0x00])
        #expect(Array(out[12..<14]) == [0xFF, 0xFF])
        #expect(Array(out[14..<23]) == [0, 0, 1, 0xE0, 0, 0, 0x80, 0xC0, 10])  // unbounded, PTS+DTS
        #expect(Array(out[23..<28]) == PESTimestamp.encode(129_000, prefix: 3))
        #expect(Array(out[28..<33]) == PESTimestamp.encode(126_000, prefix: 1))
        #expect(out[33...].allSatisfy { $0 == 7 })
    }

    @Test func multiPacketPESAndContinuity() {
        var muxer = TSMuxer(continuity: TSContinuity(audio: 14))
        // 170 in the first packet, 184 in the second, 1 in the third.
        let payload = (0..<355).map { UInt8(truncatingIfNeeded: $0) }
        let out = Self.write(Self.audioHeader, payload: payload, muxer: &muxer)
        let packets = TSPacketView.parse(out)
        #expect(packets.map(\.continuityCounter) == [14, 15, 0])
        #expect(packets.map(\.payloadStart) == [true, false, false])
        #expect(packets[2].adaptation.count == 183 && packets[2].adaptation[0] == 182 && packets[2].adaptation[1] == 0)
        let pes = PESView.collect(packets, pid: TSLayout.audioPID)
        #expect(pes.count == 1 && pes[0].payload == payload)
        #expect(pes[0].lengthField == 3 + 5 + 355)
        #expect(muxer.continuity.audio == 1 && muxer.continuity.video == 0)
    }

    @Test func piecesAreConcatenated() {
        var muxer = TSMuxer()
        var out: [UInt8] = []
        let big = [UInt8](repeating: 9, count: 400)
        muxer.writePES(Self.audioHeader, pieces: [.inline(0xFFF1_5080_2F5F, count: 6), .bytes(big[...]),
                                                   .inline(0, count: 0), .inline(0x0102_0304_0506_0708, count: 8)],
                       into: &out)
        let pes = PESView.collect(TSPacketView.parse(out), pid: TSLayout.audioPID)
        #expect(pes[0].payload == [0xFF, 0xF1, 0x50, 0x80, 0x2F, 0x5F] + big + [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func outOfRangeInputsStayInsideThePacket() {
        var muxer = TSMuxer()
        var out: [UInt8] = []
        let h = TSMuxer.PESHeader(pid: 0xFFFF, streamID: 0xC0, pts: 0, dts: 0, boundedLength: true)
        muxer.writePES(h, pieces: [.inline(0x0102, count: 20), .inline(1, count: -3), .bytes([9][...])], into: &out)
        #expect(out.count == 188)
        #expect(out[1] == 0x5F && out[2] == 0xFF)  // PID masked to 13 bits
        let pes = PESView.collect(TSPacketView.parse(out), pid: 0x1FFF)
        #expect(pes.first?.payload == [0, 0, 0, 0, 0, 0, 1, 2, 9])  // an inline piece holds at most 8 bytes
    }

    @Test func oversizedAudioPESFallsBackToUnboundedLength() {
        var muxer = TSMuxer()
        let out = Self.write(Self.audioHeader, payload: [UInt8](repeating: 0, count: TSMuxer.maxBoundedPESLength),
                             muxer: &muxer)
        let pes = PESView.collect(TSPacketView.parse(out), pid: TSLayout.audioPID)
        #expect(pes[0].lengthField == 0 && pes[0].payload.count == TSMuxer.maxBoundedPESLength)
        let fits = Self.write(Self.audioHeader, payload: [UInt8](repeating: 0, count: TSMuxer.maxBoundedPESLength - 8),
                              muxer: &muxer)
        #expect(PESView.collect(TSPacketView.parse(fits), pid: TSLayout.audioPID)[0].lengthField == 0xFFFF)
    }
}
