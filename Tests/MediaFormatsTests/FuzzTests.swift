import Testing
@testable import MediaFormats

/// Deterministic pseudo-random generator (SplitMix64) so failures replay.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random and mutated inputs into every parser: a typed error or a value,
/// never a trap. Seeds come from real fixtures.
@Suite struct FuzzTests {
    static func mutate(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = bytes
        switch Int.random(in: 0..<4, using: &rng) {
        case 0 where !b.isEmpty:
            for _ in 0..<Int.random(in: 1...4, using: &rng) { b[Int.random(in: 0..<b.count, using: &rng)] = .random(in: 0...255, using: &rng) }
        case 1:
            b = Array(b.prefix(Int.random(in: 0...b.count, using: &rng)))
        case 2 where !b.isEmpty:
            let i = Int.random(in: 0..<b.count, using: &rng)
            b.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: i)
        default:
            b = (0..<Int.random(in: 0...64, using: &rng)).map { _ in .random(in: 0...255, using: &rng) }
        }
        return b
    }

    @Test func codecConfigurationParsers() throws {
        var rng = SeededGenerator(state: 1)
        let record = AVCDecoderConfigurationRecordTests.fixtureRecord
        let sps = Array(record[8..<32])
        for _ in 0..<3000 {
            let r = Self.mutate(record, &rng)
            if let parsed = try? AVCDecoderConfigurationRecord(parsing: r) {
                // decode ⇒ encode ⇒ decode gives the same value
                #expect(try AVCDecoderConfigurationRecord(parsing: parsed.serialized()) == parsed)
                _ = try? parsed.parsedSPS()
                _ = try? AnnexBAccessUnit.convert(Self.mutate(record, &rng)[...], config: parsed)
            }
            if let s = try? SequenceParameterSet(parsing: Self.mutate(sps, &rng)) {
                #expect(s.width > 0 && s.height > 0)
                _ = s.frameRate
            }
            let asc = Self.mutate([0x12, 0x10, 0x56, 0xE5, 0x00], &rng)
            if let config = try? AudioSpecificConfig(parsing: asc), let adts = try? ADTSHeader(config: config) {
                #expect(try adts.bytes(payloadSize: 10).count == 7)
                _ = config.outputSampleRate
            }
        }
    }

    @Test func tagPayloadParsers() {
        var rng = SeededGenerator(state: 2)
        for _ in 0..<5000 {
            let bytes = Self.mutate([0x17, 0x01, 0xFF, 0xFF, 0xF0, 0, 0, 0, 2, 0x65, 0x88], &rng)
            if case .avc(let p)? = try? FLVVideoPayload(parsing: bytes) {
                #expect(p.compositionTime >= -(1 << 23) && p.compositionTime < 1 << 23)
            }
            _ = try? FLVAudioPayload(parsing: Self.mutate([0xAF, 0x01, 0x21, 0x10], &rng))
        }
    }

    @Test func fileReaderOnMutatedFixtures() throws {
        var rng = SeededGenerator(state: 3)
        let file = Array(try Fixtures.bytes("audio-only-48k-mono.flv").prefix(4000))
        for _ in 0..<500 {
            var bytes = file
            for _ in 0..<8 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = .random(in: 0...255, using: &rng) }
            guard var reader = try? FLVFileReader(bytes: bytes) else { continue }
            reader.validatesPreviousTagSize = Bool.random(using: &rng)
            while let tag = try? reader.next() { #expect(tag.payload.count <= bytes.count) }
        }
    }

    @Test func remuxerOnMutatedStreams() throws {
        var rng = SeededGenerator(state: 4)
        let tags = try Fixtures.tags("av-640x360-30fps.flv")
        for round in 0..<6 {
            var remuxer = HLSRemuxer(fragmentDuration: Double(round % 3) + 0.5)
            var output: [UInt8] = []
            func collect(_ events: [RemuxEvent]) {
                for case .segmentFinished(let s) in events { output += s.bytes }
            }
            for tag in tags {
                var payload = Array(tag.payload)
                if Int.random(in: 0..<10, using: &rng) == 0 { payload = Self.mutate(payload, &rng) }
                let timestamp = Int.random(in: 0..<50, using: &rng) == 0 ? UInt32.random(in: 0...UInt32.max, using: &rng) : tag.timestamp
                if let events = try? remuxer.push(tagType: tag.type, timestamp: timestamp, payload: payload) {
                    collect(events)
                }
            }
            collect(remuxer.finish())
            #expect(output.count % TSLayout.packetSize == 0)
            #expect(stride(from: 0, to: output.count, by: TSLayout.packetSize).allSatisfy { output[$0] == 0x47 })
        }
    }
}
