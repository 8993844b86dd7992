import Testing
@testable import MediaFormats

@Suite struct AACTests {
    @Test func twoByteLC() throws {
        // 00010 0100 0010 000: LC, 44.1 kHz, stereo.
        let asc = try AudioSpecificConfig(parsing: [0x12, 0x10])
        #expect(asc.objectType == 2 && asc.samplingFrequencyIndex == 4 && asc.samplingFrequency == 44100)
        #expect(asc.channelConfiguration == 2 && asc.channelCount == 2 && asc.samplesPerFrame == 1024)
        #expect(asc.outputSampleRate == 44100 && asc.sbrPresent == nil)
        // 00010 0011 0001 000: the audio-only fixture, 48 kHz mono.
        let mono = try AudioSpecificConfig(parsing: [0x11, 0x88])
        #expect(mono.samplingFrequency == 48000 && mono.channelCount == 1)
    }

    @Test func fiveByteFormWithSyncExtension() throws {
        // FFmpeg's `12 10 56 E5 00`: LC + sync extension 0x2B7, SBR type 5, sbrPresentFlag 0.
        let asc = try AudioSpecificConfig(parsing: [0x12, 0x10, 0x56, 0xE5, 0x00])
        #expect(asc.objectType == 2 && asc.sbrPresent == false && asc.outputSampleRate == 44100)
    }

    @Test func explicitHEAAC() throws {
        // 00101 0110 0010 0011 00010 000: SBR, core 24 kHz, stereo, output 48 kHz, core LC.
        let asc = try AudioSpecificConfig(parsing: [0x2B, 0x11, 0x88, 0x00])
        #expect(asc.objectType == 5 && asc.coreObjectType == 2)
        #expect(asc.samplingFrequency == 24000 && asc.extensionSamplingFrequency == 48000)
        #expect(asc.outputSampleRate == 48000 && asc.channelCount == 2)
        // ADTS: LC profile and the core rate index.
        let adts = try ADTSHeader(config: asc)
        #expect(adts == ADTSHeader(profile: 1, samplingFrequencyIndex: 6, channelConfiguration: 2))
        #expect(try adts.bytes(payloadSize: 371) == [0xFF, 0xF1, 0x58, 0x80, 0x2F, 0x5F, 0xFC])
    }

    @Test func explicitFrequencyAndPCEAreNotADTS() throws {
        // 00010 1111 <44100 in 24 bits> 0010 000
        let explicit = try AudioSpecificConfig(parsing: [0x17, 0x80, 0x56, 0x22, 0x10])
        #expect(explicit.samplingFrequencyIndex == 15 && explicit.samplingFrequency == 44100)
        #expect(throws: AACError.notRepresentableInADTS(reason: "explicit sampling frequency")) {
            try ADTSHeader(config: explicit)
        }
        // Channel configuration 0 (PCE): 00010 0100 0000 000
        let pce = try AudioSpecificConfig(parsing: [0x12, 0x00])
        #expect(throws: AACError.notRepresentableInADTS(reason: "channel configuration 0")) { try ADTSHeader(config: pce) }
        // Object type 23 (ER AAC LD): 10111 0011 0001 000
        let ld = try AudioSpecificConfig(parsing: [0xB9, 0x88])
        #expect(throws: AACError.notRepresentableInADTS(reason: "object type 23")) { try ADTSHeader(config: ld) }
    }

    @Test func malformedConfigs() {
        #expect(throws: AACError.truncatedConfig) { try AudioSpecificConfig(parsing: [0x12]) }
        #expect(throws: AACError.truncatedConfig) { try AudioSpecificConfig(parsing: [UInt8]()) }
        // sampling index 13 is reserved: 00010 1101 ...
        #expect(throws: AACError.reservedSamplingFrequencyIndex(13)) { try AudioSpecificConfig(parsing: [0x16, 0x90]) }
    }

    @Test func adtsHeaderGoldenBytes() throws {
        // LC (profile 1), 44.1 kHz (4), stereo, 371-byte frame → aac_frame_length 378 = 0x17A.
        let h = try ADTSHeader(config: try AudioSpecificConfig(parsing: [0x12, 0x10]))
        #expect(try h.bytes(payloadSize: 371) == [0xFF, 0xF1, 0x50, 0x80, 0x2F, 0x5F, 0xFC])
        // 48 kHz mono, 7-channel bit split: chan 1 → byte 2 low bit 0, byte 3 = 0x40.
        let m = try ADTSHeader(config: try AudioSpecificConfig(parsing: [0x11, 0x88]))
        #expect(try m.bytes(payloadSize: 0) == [0xFF, 0xF1, 0x4C, 0x40, 0x00, 0xFF, 0xFC])
        // 7.1 (configuration 7): its high bit lands in byte 2.
        let wide = ADTSHeader(profile: 1, samplingFrequencyIndex: 3, channelConfiguration: 7)
        #expect(try wide.bytes(payloadSize: 1)[2...3] == [0x4D, 0xC0])
    }

    @Test func adtsFrameLengthLimit() throws {
        let h = ADTSHeader(profile: 1, samplingFrequencyIndex: 4, channelConfiguration: 2)
        let max = try h.bytes(payloadSize: ADTSHeader.maxPayloadSize)
        #expect(ADTSHeader.maxPayloadSize == 8184)
        #expect(max[3] & 0x03 == 0x03 && max[4] == 0xFF && max[5] >> 5 == 0x07)  // 8191
        #expect(throws: AACError.frameTooLargeForADTS(8185)) { try h.bytes(payloadSize: ADTSHeader.maxPayloadSize + 1) }
    }
}
