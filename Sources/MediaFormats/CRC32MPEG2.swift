/// CRC-32/MPEG-2 for PSI sections (§6.3): polynomial 0x04C11DB7, MSB first,
/// init 0xFFFFFFFF, no final XOR.
public enum CRC32MPEG2 {
    static let table: [UInt32] = (0..<256).map { (i: UInt32) -> UInt32 in
        var c = i << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        return c
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))]
        }
        return crc
    }
}
