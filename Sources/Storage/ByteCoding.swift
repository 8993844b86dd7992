/// Little-endian writer and bounds-checked reader for the journal format.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    mutating func data(_ value: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: value.count))
        bytes += value
    }

    mutating func string(_ value: String) { data(Array(value.utf8)) }

    mutating func optionalString(_ value: String?) {
        if let value {
            u8(1)
            string(value)
        } else {
            u8(0)
        }
    }

    /// Sorted so equal dictionaries encode to equal bytes.
    mutating func map(_ value: [String: String]) {
        u32(UInt32(truncatingIfNeeded: value.count))
        for key in value.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            string(key)
            string(value[key] ?? "")
        }
    }
}

/// Every read returns nil past the end instead of trapping: the journal's tail
/// may be torn by a crash.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    /// Reads stop at `end` (default: the end of `bytes`).
    let end: Int

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << UInt32(8 * index) }
        offset += 4
        return value
    }

    mutating func u64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    mutating func i64() -> Int64? { u64().map { Int64(bitPattern: $0) } }

    mutating func data() -> [UInt8]? {
        guard let length = u32(), Int(length) <= remaining else { return nil }
        defer { offset += Int(length) }
        return Array(bytes[offset..<offset + Int(length)])
    }

    mutating func string() -> String? {
        guard let bytes = data(), KeyPath.isValidUTF8(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func optionalString() -> String?? {
        switch u8() {
        case 0: return .some(nil)
        case 1: return string().map { .some($0) }
        default: return nil
        }
    }

    mutating func map() -> [String: String]? {
        guard let count = u32(), Int(count) <= remaining else { return nil }
        var out: [String: String] = [:]
        for _ in 0..<count {
            guard let key = string(), let value = string() else { return nil }
            out[key] = value
        }
        return out
    }
}
