import Testing
@testable import RTMP

/// Decodes every message in `bytes`, fed in the given pieces.
func decodeMessages(_ pieces: [[UInt8]], limits: RTMPLimits = .default) throws(RTMPError) -> [RTMPMessage] {
    var decoder = ChunkDecoder(limits: limits)
    var messages: [RTMPMessage] = []
    for piece in pieces {
        decoder.append(piece)
        while let message = try decoder.nextMessage() { messages.append(message) }
    }
    return messages
}

/// Decodes whole, byte by byte and at random split points; all three must agree.
func decodeEveryWay(_ bytes: [UInt8], limits: RTMPLimits = .default) throws -> [RTMPMessage] {
    let whole = try decodeMessages([bytes], limits: limits)
    let single = try decodeMessages(bytes.map { [$0] }, limits: limits)
    #expect(single == whole, "byte-by-byte feeding differs")
    var generator = SplitMix(seed: UInt64(bytes.count))
    for _ in 0..<5 {
        var pieces: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int(generator.next() % 300) + 1
            pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
            index += size
        }
        #expect(try decodeMessages(pieces, limits: limits) == whole, "random split feeding differs")
    }
    return whole
}

/// A small deterministic generator so split points are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func message(_ csid: UInt32, _ timestamp: UInt32, _ type: UInt8, _ msid: UInt32, _ payload: [UInt8]) -> RTMPMessage {
    RTMPMessage(chunkStreamID: csid, timestamp: timestamp, typeID: type, messageStreamID: msid, payload: payload)
}

@Suite struct ChunkDecoderTests {
    @Test func formatZeroHeader() throws {
        // fmt 0, csid 3 | ts 100 | length 5 | type 20 | msid 1 (LE) | payload
        let bytes = hex("03 000064 000005 14 01000000 0102030405")
        #expect(try decodeEveryWay(bytes) == [message(3, 100, 20, 1, [1, 2, 3, 4, 5])])
    }

    /// Basic header forms at their boundaries (§2.1), SRS's cid checklist.
    @Test(arguments: [
        (UInt32(2), "02"), (63, "3F"), (64, "00 00"), (319, "00 FF"), (320, "01 00 01"), (65_599, "01 FF FF"),
    ])
    func chunkStreamIDForms(_ csid: UInt32, _ basic: String) throws {
        let bytes = hex(basic + " 000000 000001 08 00000000 AA")
        #expect(try decodeEveryWay(bytes) == [message(csid, 0, 8, 0, [0xAA])])
        var encoder = ChunkEncoder()
        var out: [UInt8] = []
        encoder.encode(message(csid, 0, 8, 0, [0xAA]), into: &out)
        #expect(out == bytes)
    }

    @Test func threeByteIDIsLittleEndian() throws {
        // 64 + 0x34 + 256 * 0x12 = 4724
        let bytes = hex("01 34 12 000000 000000 08 00000000")
        #expect(try decodeEveryWay(bytes).first?.chunkStreamID == 4724)
    }

    @Test func formatsOneTwoThreeInheritAndAddDeltas() throws {
        let bytes = hex("""
            04 0003E8 000002 08 01000000 A1A2
            44 000017 000003 08 B1B2B3
            84 000014 C1C2C3
            C4 D1D2D3
            """)
        #expect(try decodeEveryWay(bytes) == [
            message(4, 1000, 8, 1, [0xA1, 0xA2]),
            message(4, 1023, 8, 1, [0xB1, 0xB2, 0xB3]),
            message(4, 1043, 8, 1, [0xC1, 0xC2, 0xC3]),
            message(4, 1063, 8, 1, [0xD1, 0xD2, 0xD3]),
        ])
    }

    @Test func formatThreeAfterFormatZeroRepeatsTheTimestampAsDelta() throws {
        // Adobe §5.3.1.2.4 as FFmpeg reads it: the "delta" after fmt 0 is its timestamp.
        let bytes = hex("04 0003E8 000001 08 01000000 AA  C4 BB")
        #expect(try decodeEveryWay(bytes).map(\.timestamp) == [1000, 2000])
    }

    @Test func extendedTimestampRepeatedInContinuation() throws {
        let payload = (0..<200).map { UInt8($0 & 0xFF) }
        let bytes = cat(hex("06 FFFFFF 0000C8 09 01000000 01000000"), payload[0..<128], hex("C6 01000000"), payload[128...])
        #expect(try decodeEveryWay(bytes) == [message(6, 0x0100_0000, 9, 1, payload)])
    }

    @Test func extendedTimestampOmittedInContinuationIsTolerated() throws {
        let payload = [UInt8](repeating: 0x55, count: 200)
        let bytes = cat(hex("06 FFFFFF 0000C8 09 01000000 01000000"), payload[0..<128], hex("C6"), payload[128...])
        #expect(try decodeEveryWay(bytes) == [message(6, 0x0100_0000, 9, 1, payload)])
    }

    @Test func formatThreeMessageStartReadsANewExtendedDelta() throws {
        // FFmpeg writes fmt 3 when the 24-bit field repeats (0xFFFFFF), with the new 32-bit delta.
        let bytes = hex("""
            06 000010 000001 09 01000000 AA
            46 FFFFFF 000001 09 01000000 BB
            C6 01000010 CC
            """)
        #expect(try decodeEveryWay(bytes).map(\.timestamp) == [0x10, 0x0100_0010, 0x0200_0020])
    }

    @Test func timestampsWrapAt32Bits() throws {
        let bytes = hex("""
            04 FFFFFF 000001 08 01000000 FFFFFFF0 AA
            84 000020 BB
            44 FFFFFF 000001 08 FFFFFFF6 CC
            """)
        // The last delta is librtmp's negative -10, restored by wrapping addition.
        #expect(try decodeEveryWay(bytes).map(\.timestamp) == [0xFFFF_FFF0, 0x10, 0x06])
    }

    @Test func chunkSizeChangeInTheMiddleOfAMessage() throws {
        let payload = (0..<300).map { UInt8($0 & 0xFF) }
        let bytes = cat(
            hex("06 000000 00012C 09 01000000"), payload[0..<128],
            hex("02 000000 000004 01 00000000 00000100"),  // Set Chunk Size 256
            hex("C6"), payload[128...])  // the remaining 172 bytes in one chunk
        let messages = try decodeEveryWay(bytes)
        #expect(messages == [message(2, 0, 1, 0, [0, 0, 1, 0]), message(6, 0, 9, 1, payload)])
    }

    @Test func interleavedChunkStreams() throws {
        let audio = [UInt8](repeating: 0xA0, count: 200)
        let video = [UInt8](repeating: 0xB0, count: 300)
        let bytes = cat(
            hex("06 000000 00012C 09 01000000"), video[0..<128],
            hex("04 000000 0000C8 08 01000000"), audio[0..<128],
            hex("C6"), video[128..<256],
            hex("C4"), audio[128...],
            hex("C6"), video[256...])
        #expect(try decodeEveryWay(bytes) == [message(4, 0, 8, 1, audio), message(6, 0, 9, 1, video)])
    }

    @Test func abortDropsThePartialMessage() throws {
        let bytes = cat(
            hex("06 000000 00012C 09 01000000"), [UInt8](repeating: 1, count: 128),
            hex("02 000000 000004 02 00000000 00000006"),  // Abort csid 6
            hex("06 000005 000002 09 01000000 0A0B"))
        #expect(try decodeEveryWay(bytes) == [message(2, 0, 2, 0, [0, 0, 0, 6]), message(6, 5, 9, 1, [0x0A, 0x0B])])
    }

    @Test func zeroLengthMessages() throws {
        let bytes = hex("03 000001 000000 14 00000000  03 000002 000001 14 00000000 05")
        #expect(try decodeEveryWay(bytes) == [message(3, 1, 20, 0, []), message(3, 2, 20, 0, [5])])
    }

    @Test func newHeaderDuringAPartialMessageStartsOver() throws {
        let bytes = cat(hex("04 000000 0000C8 08 01000000"), [UInt8](repeating: 1, count: 128), hex("04 000009 000001 08 01000000 77"))
        #expect(try decodeEveryWay(bytes) == [message(4, 9, 8, 1, [0x77])])
    }

    @Test func headersWithoutHistoryAreRejected() {
        for text in ["44 000000 000001 08 AA", "84 000000 AA", "C4 AA"] {
            #expect(throws: RTMPError.missingPreviousHeader(chunkStreamID: 4)) { try decodeMessages([hex(text)]) }
        }
    }

    @Test func messageLengthLimit() throws {
        var limits = RTMPLimits()
        limits.maxMessageLength = 1000
        #expect(throws: RTMPError.messageTooLong(length: 1001, limit: 1000)) {
            try decodeMessages([hex("04 000000 0003E9 08 01000000")], limits: limits)
        }
        #expect(try decodeMessages([hex("04 000000 000000 08 01000000")], limits: limits).count == 1)
        // The default admits 8 MiB key frames but not the 24-bit maximum.
        #expect(throws: RTMPError.messageTooLong(length: 0xFF_FFFF, limit: 8 << 20)) {
            try decodeMessages([hex("04 000000 FFFFFF 08 01000000")])
        }
    }

    @Test func chunkStreamLimit() throws {
        var limits = RTMPLimits()
        limits.maxChunkStreams = 3
        let ok = hex("03 000000 000000 14 00000000 04 000000 000000 08 00000000 05 000000 000000 08 00000000")
        #expect(try decodeMessages([ok], limits: limits).count == 3)
        #expect(throws: RTMPError.tooManyChunkStreams(limit: 3)) {
            try decodeMessages([ok + hex("06 000000 000000 09 00000000")], limits: limits)
        }
    }

    @Test func bufferedBytesLimit() throws {
        var limits = RTMPLimits()
        limits.maxBufferedBytes = 200
        let first = cat(hex("04 000000 000100 08 01000000"), [UInt8](repeating: 0, count: 128))
        let second = cat(hex("06 000000 000100 09 01000000"), [UInt8](repeating: 0, count: 128))
        #expect(try decodeMessages([first], limits: limits).isEmpty)
        #expect(throws: RTMPError.bufferedBytesExceeded(limit: 200)) {
            try decodeMessages([first + second], limits: limits)
        }
    }

    @Test func setChunkSizeValidation() throws {
        func announce(_ word: String, limits: RTMPLimits = .default) throws(RTMPError) -> Int {
            var decoder = ChunkDecoder(limits: limits)
            decoder.append(hex("02 000000 000004 01 00000000 " + word))
            _ = try decoder.nextMessage()
            return decoder.chunkSize
        }
        #expect(try announce("00001000") == 4096)
        #expect(try announce("7FFFFFFF") == 0xFF_FFFF)  // clamped to the 24-bit maximum
        #expect(throws: RTMPError.invalidChunkSize(0)) { try announce("00000000") }
        #expect(throws: RTMPError.invalidChunkSize(0x8000_0001)) { try announce("80000001") }
        var small = RTMPLimits()
        small.maxChunkSize = 65_536
        #expect(throws: RTMPError.chunkSizeTooLarge(65_537, limit: 65_536)) { try announce("00010001", limits: small) }
        #expect(throws: RTMPError.malformedControlMessage(type: 1)) {
            try decodeMessages([hex("02 000000 000002 01 00000000 0000")])
        }
    }
}

@Suite struct ChunkDecoderMemoryTests {
    @Test func aHeaderAloneDoesNotReserveItsWholeLength() throws {
        var decoder = ChunkDecoder()
        decoder.append(hex("06 000000 7FFFFF 09 01000000 00"))  // announces 8 MiB - 1, sends 1 byte
        #expect(try decoder.nextMessage() == nil)
        let capacity = decoder.partialCapacity(chunkStreamID: 6)
        #expect(capacity >= ChunkDecoder.initialReservation)
        #expect(capacity < 2 * ChunkDecoder.initialReservation)
    }

    /// A burst read (here a 40 KB video message in one piece) must not leave
    /// its size behind as the connection's input buffer once it is parsed;
    /// small reads keep theirs, so the common case does not allocate.
    @Test func aBurstReadDoesNotStayAsInputCapacity() throws {
        var encoder = ChunkEncoder()
        var burst: [UInt8] = []
        let payload = (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }
        encoder.encode(message(6, 40, 9, 1, payload), into: &burst)
        #expect(burst.count > ChunkDecoder.retainedInputCapacity)

        var decoder = ChunkDecoder()
        decoder.append(burst)
        #expect(decoder.inputCapacity >= burst.count)
        #expect(try decoder.nextMessage() == message(6, 40, 9, 1, payload))
        #expect(try decoder.nextMessage() == nil)
        #expect(decoder.inputCapacity <= ChunkDecoder.retainedInputCapacity)

        var small: [UInt8] = []
        encoder.encode(message(6, 80, 9, 1, [1, 2, 3]), into: &small)
        decoder.append(small)
        #expect(try decoder.nextMessage() == message(6, 80, 9, 1, [1, 2, 3]))
        #expect(try decoder.nextMessage() == nil)
        let kept = decoder.inputCapacity
        #expect(kept > 0)
        // The burst split mid-body still decodes, and its buffer still goes.
        decoder.append(burst[..<(burst.count / 2)])
        #expect(try decoder.nextMessage() == nil)
        decoder.append(burst[(burst.count / 2)...])
        #expect(try decoder.nextMessage() == message(6, 40, 9, 1, payload))
        #expect(try decoder.nextMessage() == nil)
        #expect(decoder.inputCapacity <= ChunkDecoder.retainedInputCapacity)
    }
}
