import Foundation
import Testing
@testable import RTMP

/// Hostile and damaged input: nothing may trap, every failure is a typed
/// close reason, and decoded values re-encode consistently.
@Suite struct RobustnessTests {
    static let vector: [UInt8] = {
        (try? [UInt8](Data(contentsOf: vectorsDirectory.appendingPathComponent(replayVector)))) ?? []
    }()

    /// Feeds `bytes` in random pieces, accepting any publish; returns the close reason.
    static func serve(_ bytes: [UInt8], generator: inout SplitMix, limits: RTMPLimits = .default) -> CloseReason? {
        var session = ServerSession(limits: limits, now: .testStart)
        var index = 0
        while index < bytes.count {
            let size = Int(generator.next() % 4000) + 1
            let piece = Array(bytes[index..<min(bytes.count, index + size)])
            index += size
            var output = session.receive(piece, now: .testStart)
            while true {
                if let close = output.close { return close }
                guard output.events.contains(where: { if case .publishRequested = $0 { true } else { false } }) else {
                    break
                }
                output = session.acceptPublish(now: .testStart)
            }
        }
        return nil
    }

    @Test func mutatedPublishesNeverTrap() throws {
        try #require(Self.vector.count > 20_000)
        var generator = SplitMix(seed: 42)
        var limits = RTMPLimits()
        limits.maxMessageLength = 64 << 10
        limits.maxBufferedBytes = 256 << 10
        var closes = 0
        for _ in 0..<300 {
            var bytes = Array(Self.vector.prefix(20_000))
            for _ in 0..<Int(generator.next() % 8 + 1) {
                let at = 3073 + Int(generator.next() % UInt64(bytes.count - 3073))
                bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let reason = Self.serve(bytes, generator: &generator, limits: limits) {
                closes += 1
                guard case .protocolViolation = reason else {
                    Issue.record("unexpected close \(reason)")
                    continue
                }
            }
        }
        #expect(closes > 0, "some mutations must be detected")
    }

    @Test func randomBytesAfterTheHandshakeEndInAProtocolViolationAtMost() {
        var generator = SplitMix(seed: 7)
        let handshake = Array(Self.vector.prefix(3073))
        for _ in 0..<300 {
            let garbage = (0..<Int(generator.next() % 3000)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if let reason = Self.serve(handshake + garbage, generator: &generator) {
                guard case .protocolViolation = reason else {
                    Issue.record("unexpected close \(reason)")
                    continue
                }
            }
        }
    }

    @Test func decodedMessagesRespectTheLengthLimit() {
        var generator = SplitMix(seed: 99)
        var limits = RTMPLimits()
        limits.maxMessageLength = 1000
        for _ in 0..<500 {
            let bytes = (0..<2000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var decoder = ChunkDecoder(limits: limits)
            decoder.append(bytes)
            while let message = try? decoder.nextMessage() {
                #expect(message.payload.count <= 1000)
            }
        }
    }

    /// Decode success ⇒ encode ⇒ decode ⇒ encode gives the same bytes.
    @Test func amf0DecodeEncodeIsStable() throws {
        var generator = SplitMix(seed: 5)
        let seeds: [[UInt8]] = AMF0Tests.known.map { hex($0.bytes) }
        var decodedCount = 0
        for _ in 0..<3000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            let flips = Int(generator.next() % 3)
            for _ in 0..<flips where !bytes.isEmpty {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            guard let values = try? AMF0Decoder.decodeAll(bytes) else { continue }
            decodedCount += 1
            let encoded = AMF0Encoder.encode(values)
            let again = try AMF0Decoder.decodeAll(encoded)
            #expect(AMF0Encoder.encode(again) == encoded)
        }
        #expect(decodedCount > 100)
    }
}
