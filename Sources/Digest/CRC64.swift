import CDigestFold

/// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xor-out all ones), the
/// checksum OSS sends as `x-oss-hash-crc64ecma` and the SDKs verify.
///
/// Segments and uploads are hashed on the hot path: long inputs are folded
/// with carry-less multiplication where the CPU has it (`CDigestFold`, about
/// ten times the table's speed), the rest goes through slicing-by-8 tables.
public struct CRC64: Sendable {
    public private(set) var value: UInt64 = 0

    public init() {}

    public static func checksum<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var crc = CRC64()
        crc.update(bytes)
        return crc.value
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var crc = ~value
        var index = 0
        if bytes.count >= Int(CRC64_FOLD_MIN_BYTES) && CRC64.folds {
            // Most of the bytes folded 64 at a time into a 16-byte remainder
            // with the same CRC; the table finishes the remainder and the tail.
            var remainder: (UInt64, UInt64) = (0, 0)
            let consumed = withUnsafeMutableBytes(of: &remainder) { out in
                crc64_fold(CRC64.polynomial, crc, base.assumingMemoryBound(to: UInt8.self), bytes.count,
                           out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            if consumed > 0 {
                crc = withUnsafeBytes(of: &remainder) { CRC64.tableUpdate(0, $0.baseAddress!, from: 0, to: 16) }
                index = consumed
            }
        }
        value = ~CRC64.tableUpdate(crc, base, from: index, to: bytes.count)
    }

    /// Slicing-by-8 over `base[from..<to]`, starting from the (inverted) register `crc`.
    @inline(__always)
    static func tableUpdate(_ crc: UInt64, _ base: UnsafeRawPointer, from start: Int, to count: Int) -> UInt64 {
        var crc = crc
        let t = CRC64.table.pointer
        var index = start
        while count - index >= 8 {
            crc ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            crc = t[7 &* 256 &+ Int(crc & 0xFF)]
                ^ t[6 &* 256 &+ Int((crc >> 8) & 0xFF)]
                ^ t[5 &* 256 &+ Int((crc >> 16) & 0xFF)]
                ^ t[4 &* 256 &+ Int((crc >> 24) & 0xFF)]
                ^ t[3 &* 256 &+ Int((crc >> 32) & 0xFF)]
                ^ t[2 &* 256 &+ Int((crc >> 40) & 0xFF)]
                ^ t[1 &* 256 &+ Int((crc >> 48) & 0xFF)]
                ^ t[Int(crc >> 56)]
            index &+= 8
        }
        while index < count {
            crc = t[Int((crc ^ UInt64(base.load(fromByteOffset: index, as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
            index &+= 1
        }
        return crc
    }

    /// Whether this CPU folds (x86-64 with PCLMULQDQ); else the tables do all.
    static let folds = crc64_fold_available() != 0

    /// The table loop alone, for comparing the two ways in tests.
    static func tableChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        return ~tableUpdate(~0, base, from: 0, to: bytes.count)
    }

    static let polynomial: UInt64 = 0xC96C_5795_D787_0F42

    /// The eight slicing tables, 256 entries each, one after another in one
    /// never-freed allocation (no array bounds checks or double indirection
    /// in the loop).
    static let table = CRC64Table(polynomial: polynomial)
}

final class CRC64Table: Sendable {
    nonisolated(unsafe) let pointer: UnsafeMutablePointer<UInt64>

    init(polynomial: UInt64) {
        pointer = .allocate(capacity: 8 * 256)
        for n in 0..<256 {
            var crc = UInt64(n)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            pointer[n] = crc
        }
        for n in 0..<256 {
            var crc = pointer[n]
            for k in 1..<8 {
                crc = pointer[Int(crc & 0xFF)] ^ (crc >> 8)
                pointer[k * 256 + n] = crc
            }
        }
    }
}
