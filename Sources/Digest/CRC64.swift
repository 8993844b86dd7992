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
        var crc = ~value
        let tables = CRC64.tables
        var index = 0
        let count = bytes.count
        while count - index >= 8 {
            var word: UInt64 = 0
            for shift in 0..<8 { word |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
            crc ^= word
            crc = tables[7][Int(crc & 0xFF)]
                ^ tables[6][Int((crc >> 8) & 0xFF)]
                ^ tables[5][Int((crc >> 16) & 0xFF)]
                ^ tables[4][Int((crc >> 24) & 0xFF)]
                ^ tables[3][Int((crc >> 32) & 0xFF)]
                ^ tables[2][Int((crc >> 40) & 0xFF)]
                ^ tables[1][Int((crc >> 48) & 0xFF)]
                ^ tables[0][Int(crc >> 56)]
            index += 8
        }
        while index < count {
            crc = tables[0][Int((crc ^ UInt64(bytes[index])) & 0xFF)] ^ (crc >> 8)
            index += 1
        }
        value = ~crc
    }

    static let polynomial: UInt64 = 0xC96C_5795_D787_0F42

    static let tables: [[UInt64]] = {
        var tables = [[UInt64]](repeating: [UInt64](repeating: 0, count: 256), count: 8)
        for n in 0..<256 {
            var crc = UInt64(n)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[0][n] = crc
        }
        for n in 0..<256 {
            var crc = tables[0][n]
            for k in 1..<8 {
                crc = tables[0][Int(crc & 0xFF)] ^ (crc >> 8)
                tables[k][n] = crc
            }
        }
        return tables
    }()
}
