/// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xor-out all ones), the
/// checksum OSS sends as `x-oss-hash-crc64ecma` and the SDKs verify.
///
/// Slicing-by-8 tables: segments and uploads are hashed on the hot path.
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
        let t = CRC64.table.pointer
        var index = 0
        let count = bytes.count
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
        value = ~crc
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
