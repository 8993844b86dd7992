/// 5-byte PTS/DTS fields of a PES header and the 6-byte PCR of an
/// adaptation field (§6.4, §6.5). Values are taken modulo 2^33.
public enum PESTimestamp {
    public static let prefixPTSOnly: UInt8 = 0b0010
    public static let prefixPTSWithDTS: UInt8 = 0b0011
    public static let prefixDTS: UInt8 = 0b0001

    public static func encode(_ value: Int64, prefix: UInt8) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 5)
        out.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { write(value, prefix: prefix, to: base) }
        }
        return out
    }

    static func write(_ value: Int64, prefix: UInt8, to p: UnsafeMutableRawPointer) {
        let v = UInt64(bitPattern: value & TSLayout.timestampMask)
        p.storeBytes(of: (prefix << 4) | UInt8(truncatingIfNeeded: (v >> 29) & 0x0E) | 1, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: v >> 22), toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: (v >> 14) & 0xFE) | 1, toByteOffset: 2, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: v >> 7), toByteOffset: 3, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: (v << 1) & 0xFE) | 1, toByteOffset: 4, as: UInt8.self)
    }

    /// PCR with a zero 27 MHz extension and the six reserved bits set.
    public static func encodePCR(_ base: Int64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 6)
        out.withUnsafeMutableBytes { raw in
            if let p = raw.baseAddress { writePCR(base, to: p) }
        }
        return out
    }

    static func writePCR(_ base: Int64, to p: UnsafeMutableRawPointer) {
        let b = UInt64(bitPattern: base & TSLayout.timestampMask)
        p.storeBytes(of: UInt8(truncatingIfNeeded: b >> 25), as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: b >> 17), toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: b >> 9), toByteOffset: 2, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: b >> 1), toByteOffset: 3, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: (b & 1) << 7) | 0x7E, toByteOffset: 4, as: UInt8.self)
        p.storeBytes(of: 0, toByteOffset: 5, as: UInt8.self)
    }
}
