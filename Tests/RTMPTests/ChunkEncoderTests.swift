import Testing
@testable import RTMP

@Suite struct ChunkEncoderTests {
    @Test func picksTheSmallestHeader() {
        var encoder = ChunkEncoder()
        var out: [UInt8] = []
        encoder.encode(message(4, 1000, 8, 1, [1, 2]), into: &out)
        encoder.encode(message(4, 1023, 8, 1, [1, 2, 3]), into: &out)  // length changed → fmt 1
        encoder.encode(message(4, 1043, 8, 1, [1, 2, 3]), into: &out)  // delta changed → fmt 2
        encoder.encode(message(4, 1063, 8, 1, [1, 2, 3]), into: &out)  // same delta → fmt 3
        encoder.encode(message(4, 1000, 8, 1, [1, 2, 3]), into: &out)  // backwards → fmt 0
        #expect(out == hex("""
            04 0003E8 000002 08 01000000 0102
            44 000017 000003 08 010203
            84 000014 010203
            C4 010203
            04 0003E8 000003 08 01000000 010203
            """))
    }

    @Test func repeatsExtendedTimestampInEveryChunk() throws {
        var encoder = ChunkEncoder()
        var out: [UInt8] = []
        let payload = [UInt8](repeating: 7, count: 300)
        encoder.encode(message(6, 0x0100_0000, 9, 1, payload), into: &out)
        #expect(out == cat(hex("06 FFFFFF 00012C 09 01000000 01000000"), payload[0..<128], hex("C6 01000000"), payload[128..<256], hex("C6 01000000"), payload[256...]))
        #expect(try decodeEveryWay(out) == [message(6, 0x0100_0000, 9, 1, payload)])
    }

    @Test func writesWithTheChunkSizeItWasGiven() throws {
        var encoder = ChunkEncoder()
        encoder.setChunkSize(4096)
        var out: [UInt8] = []
        let payload = [UInt8](repeating: 1, count: 5000)
        encoder.encode(message(6, 0, 9, 1, payload), into: &out)
        #expect(out.count == 12 + 5000 + 1)
        var decoder = ChunkDecoder()
        try decoder.setChunkSize(4096)
        decoder.append(out)
        #expect(try decoder.nextMessage() == message(6, 0, 9, 1, payload))
    }

    /// Random message sequences survive encode → decode exactly, for several
    /// chunk sizes, including large deltas, wraps and zero-length payloads.
    @Test(arguments: [1, 7, 128, 4096])
    func randomSequencesRoundTrip(_ chunkSize: Int) throws {
        var generator = SplitMix(seed: UInt64(chunkSize))
        var encoder = ChunkEncoder()
        encoder.setChunkSize(chunkSize)
        var timestamps: [UInt32: UInt32] = [:]
        var messages: [RTMPMessage] = []
        var out: [UInt8] = []
        for _ in 0..<300 {
            let csid = [UInt32(3), 4, 6, 70, 400][Int(generator.next() % 5)]
            let step: UInt32 = generator.next() % 10 == 0 ? UInt32(truncatingIfNeeded: generator.next()) : 33
            let timestamp = (timestamps[csid] ?? 0xFFFF_FF00) &+ step
            timestamps[csid] = timestamp
            let length = generator.next() % 7 == 0 ? 0 : Int(generator.next() % 600)
            let payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let typeID: UInt8 = generator.next() % 2 == 0 ? 8 : 9
            let m = message(csid, timestamp, typeID, 1, payload)
            encoder.encode(m, into: &out)
            messages.append(m)
        }
        var decoder = ChunkDecoder()
        if chunkSize != 128 { try decoder.setChunkSize(UInt32(chunkSize)) }
        decoder.append(out)
        var decoded: [RTMPMessage] = []
        while let m = try decoder.nextMessage() { decoded.append(m) }
        #expect(decoded == messages)
    }
}
