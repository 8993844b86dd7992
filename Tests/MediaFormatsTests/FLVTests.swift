import Testing
@testable import MediaFormats

@Suite struct FLVTests {
    static func file(tags: [(UInt8, UInt32, [UInt8])], flags: UInt8 = 0x05) -> [UInt8] {
        var out: [UInt8] = [0x46, 0x4C, 0x56, 1, flags, 0, 0, 0, 9, 0, 0, 0, 0]
        for (type, ts, body) in tags {
            let n = body.count
            out += [type, UInt8(n >> 16), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF),
                    UInt8((ts >> 16) & 0xFF), UInt8((ts >> 8) & 0xFF), UInt8(ts & 0xFF), UInt8(ts >> 24), 0, 0, 0]
            out += body
            let prev = UInt32(11 + n)
            out += [UInt8(prev >> 24), UInt8((prev >> 16) & 0xFF), UInt8((prev >> 8) & 0xFF), UInt8(prev & 0xFF)]
        }
        return out
    }

    @Test func readsHeaderAndTagsWithExtendedTimestamp() throws {
        let bytes = Self.file(tags: [(9, 0x1234_5678, [0x17, 0x02, 0, 0, 0]), (8, 5, [0xAF, 0x01, 0x21])])
        var reader = try FLVFileReader(bytes: bytes)
        #expect(reader.header == .init(version: 1, hasAudio: true, hasVideo: true, dataOffset: 9))
        let tags = try reader.readAll()
        #expect(tags.count == 2)
        #expect(tags[0].type == 9)
        #expect(tags[0].timestamp == 0x1234_5678)  // TimestampExtended is the high byte
        #expect(tags[1] == FLVTag(type: 8, timestamp: 5, payload: [0xAF, 0x01, 0x21][...]))
        #expect(tags[1].knownType == .audio)
    }

    @Test func writerRoundTripsTagsWithExtendedTimestamps() throws {
        let tags = [FLVTag(type: 9, timestamp: 0xFFFF_FFF0, payload: [0x17, 0x01, 0, 0, 0][...]),
                    FLVTag(type: 8, timestamp: 0x0100_0000, payload: [0xAF, 0x01, 0x21][...])]
        var writer = FLVFileWriter(hasAudio: true, hasVideo: true)
        for tag in tags { try writer.append(tag) }
        #expect(writer.bytes == Self.file(tags: tags.map { ($0.type, $0.timestamp, Array($0.payload)) }))
        var reader = try FLVFileReader(bytes: writer.bytes)
        #expect(try reader.readAll() == tags)
        var big = FLVFileWriter(hasAudio: false, hasVideo: true)
        let oversized = [UInt8](repeating: 0, count: FLVFileWriter.maxPayloadSize + 1)
        #expect(throws: FLVError.payloadTooLarge(oversized.count)) {
            try big.append(FLVTag(type: 9, timestamp: 0, payload: oversized[...]))
        }
    }

    @Test func fixtureTagCountsMatchFFprobe() throws {
        let tags = try Fixtures.tags("av-640x360-30fps.flv")
        // 6 s at 30 fps: 180 frames, plus the sequence header and FFmpeg's
        // closing AVC end of sequence (`17 02 00 00 00`).
        let video = tags.filter { $0.type == 9 }
        #expect(video.count == 182)
        #expect(video.last?.payload == [0x17, 0x02, 0, 0, 0][...])
        #expect(tags.first?.type == 18)  // onMetaData first
        var reader = try FLVFileReader(bytes: try Fixtures.bytes("audio-only-48k-mono.flv"))
        #expect(reader.header.hasAudio && !reader.header.hasVideo)
        let audio = try reader.readAll()
        #expect(audio.allSatisfy { $0.type != 9 })
    }

    @Test func rejectsBadFiles() throws {
        #expect(throws: FLVError.truncatedHeader) { try FLVFileReader(bytes: [0x46, 0x4C]) }
        #expect(throws: FLVError.invalidSignature) { try FLVFileReader(bytes: Array("FLX\u{1}\u{5}\0\0\0\u{9}\0\0\0\0".utf8)) }
        #expect(throws: FLVError.unsupportedVersion(2)) {
            try FLVFileReader(bytes: [0x46, 0x4C, 0x56, 2, 5, 0, 0, 0, 9, 0, 0, 0, 0])
        }
        #expect(throws: FLVError.invalidDataOffset(200)) {
            try FLVFileReader(bytes: [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 200, 0, 0, 0, 0])
        }
        var good = Self.file(tags: [(8, 0, [0xAF, 0x01, 0x21])])
        good.removeLast()
        var truncated = try FLVFileReader(bytes: good)
        #expect(throws: FLVError.truncatedTag(offset: 13)) { try truncated.next() }
        var bad = Self.file(tags: [(8, 0, [0xAF, 0x01, 0x21])])
        bad[bad.count - 1] = 99
        var mismatch = try FLVFileReader(bytes: bad)
        #expect(throws: FLVError.previousTagSizeMismatch(offset: 13, expected: 14, found: 99)) { try mismatch.next() }
        var lenient = try FLVFileReader(bytes: bad)
        lenient.validatesPreviousTagSize = false
        #expect(try lenient.next()?.payload == [0xAF, 0x01, 0x21][...])
    }

    @Test func videoHeaderWithNegativeCompositionTime() throws {
        // Inter frame, AVC NALU, composition time −2 ms (0xFFFFFE).
        let payload: [UInt8] = [0x27, 0x01, 0xFF, 0xFF, 0xFE, 0, 0, 0, 1, 0x41]
        guard case .avc(let packet) = try FLVVideoPayload(parsing: payload) else {
            Issue.record("not AVC")
            return
        }
        #expect(packet.frameType == 2)
        #expect(!packet.isKeyframe)
        #expect(packet.packetType == .nalUnits)
        #expect(packet.compositionTime == -2)
        #expect(packet.body == [0, 0, 0, 1, 0x41][...])
        guard case .avc(let key) = try FLVVideoPayload(parsing: [0x17, 0x01, 0x00, 0x00, 0x43]) else {
            Issue.record("not AVC")
            return
        }
        #expect(key.isKeyframe && key.compositionTime == 67)
    }

    @Test func videoVariants() throws {
        #expect(try FLVVideoPayload(parsing: [0x17, 0x02, 0, 0, 0]) ==
            .avc(AVCVideoPacket(frameType: 1, packetType: .endOfSequence, compositionTime: 0, body: [][...])))
        #expect(try FLVVideoPayload(parsing: [0x1C, 0x00]) == .otherCodec(codecID: 12))
        #expect(try FLVVideoPayload(parsing: [0x52, 0x00]) == .command)
        // Enhanced RTMP: IsExHeader | key frame | SequenceStart, FourCC 'hvc1'.
        #expect(try FLVVideoPayload(parsing: [0x90, 0x68, 0x76, 0x63, 0x31, 0x01]) ==
            .enhanced(fourCC: FourCC(rawValue: 0x6876_6331), packetType: 0, frameType: 1))
        #expect(FourCC(rawValue: 0x6876_6331).description == "hvc1")
        #expect(throws: FLVError.emptyPayload) { try FLVVideoPayload(parsing: []) }
        #expect(throws: FLVError.truncatedVideoHeader) { try FLVVideoPayload(parsing: [0x17, 0x01, 0]) }
        #expect(throws: FLVError.truncatedVideoHeader) { try FLVVideoPayload(parsing: [0x90, 0x68]) }
        #expect(throws: FLVError.unknownAVCPacketType(3)) { try FLVVideoPayload(parsing: [0x17, 0x03, 0, 0, 0]) }
    }

    @Test func audioVariants() throws {
        // FFmpeg's observed AAC sequence header.
        #expect(try FLVAudioPayload(parsing: [0xAF, 0x00, 0x12, 0x10, 0x56, 0xE5, 0x00]) ==
            .aacSequenceHeader([0x12, 0x10, 0x56, 0xE5, 0x00][...]))
        #expect(try FLVAudioPayload(parsing: [0xAF, 0x01, 0x21, 0x1B]) == .aacFrame([0x21, 0x1B][...]))
        #expect(try FLVAudioPayload(parsing: [0x2F, 0xFF]) == .otherFormat(soundFormat: 2))  // MP3
        #expect(try FLVAudioPayload(parsing: [0x90, 0x4F, 0x70, 0x75, 0x73]) ==
            .enhanced(fourCC: FourCC(rawValue: 0x4F70_7573), packetType: 0))  // 'Opus'
        #expect(throws: FLVError.truncatedAudioHeader) { try FLVAudioPayload(parsing: [0xAF]) }
        #expect(throws: FLVError.unknownAACPacketType(2)) { try FLVAudioPayload(parsing: [0xAF, 0x02]) }
        #expect(throws: FLVError.emptyPayload) { try FLVAudioPayload(parsing: []) }
    }
}
