import Testing
@testable import Digest

@Suite struct CRC64CombineTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test(arguments: [(0, 0), (0, 5), (5, 0), (1, 1), (7, 9), (100, 1), (1000, 4096), (65_537, 3), (3, 300_001)])
    func combiningTwoPiecesEqualsTheChecksumOfTheirConcatenation(first: Int, second: Int) {
        let a = Self.bytes(first, seed: UInt64(first) + 1)
        let b = Self.bytes(second, seed: UInt64(second) + 99)
        let combined = CRC64.combine(CRC64.checksum(a), CRC64.checksum(b), secondLength: Int64(b.count))
        #expect(combined == CRC64.checksum(a + b))
    }

    @Test func combiningManyPartsEqualsTheWholeChecksum() {
        let sizes = [102_400, 102_400, 1, 54_321, 0, 7]
        var whole: [UInt8] = []
        var pieces: [(crc: UInt64, length: Int64)] = []
        for (index, size) in sizes.enumerated() {
            let part = Self.bytes(size, seed: UInt64(index) * 7 + 3)
            whole += part
            pieces.append((CRC64.checksum(part), Int64(size)))
        }
        #expect(CRC64.combine(pieces) == CRC64.checksum(whole))
    }

    /// The same value oss2's `Crc64.combine` gives for "hello " + "world".
    @Test func knownConcatenation() {
        let crc = CRC64.combine(CRC64.checksum(Array("hello ".utf8)), CRC64.checksum(Array("world".utf8)), secondLength: 5)
        #expect(crc == CRC64.checksum(Array("hello world".utf8)))
        #expect(crc == 5_981_764_153_023_615_706)
    }
}
