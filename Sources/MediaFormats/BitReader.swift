/// MSB-first bit cursor for SPS and AudioSpecificConfig fields, with the
/// Exp-Golomb codes of H.264 §9.1. Reads past the end return nil.
struct BitReader {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes) }

    var bitsLeft: Int { bytes.count * 8 - position }

    mutating func bit() -> UInt32? {
        guard position < bytes.count * 8 else { return nil }
        let value = (bytes[position >> 3] >> (7 - UInt8(position & 7))) & 1
        position += 1
        return UInt32(value)
    }

    mutating func flag() -> Bool? { bit().map { $0 == 1 } }

    /// Reads `count` bits (0...32) as an unsigned value.
    mutating func bits(_ count: Int) -> UInt32? {
        guard count >= 0, count <= 32, bitsLeft >= count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let b = bit() else { return nil }
            value = value << 1 | b
        }
        return value
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, bitsLeft >= count else { return false }
        position += count
        return true
    }

    /// ue(v). More than 31 leading zeros cannot encode a 32-bit value and is
    /// treated as malformed.
    mutating func ue() -> UInt32? {
        var zeros = 0
        while true {
            guard let b = bit() else { return nil }
            if b == 1 { break }
            zeros += 1
            if zeros > 31 { return nil }
        }
        guard let suffix = bits(zeros) else { return nil }
        return UInt32((UInt64(1) << UInt64(zeros)) - 1 + UInt64(suffix))
    }

    /// se(v): k ↦ (−1)^(k+1) · ⌈k / 2⌉.
    mutating func se() -> Int64? {
        guard let k = ue() else { return nil }
        let magnitude = (Int64(k) + 1) / 2
        return k & 1 == 1 ? magnitude : -magnitude
    }
}
