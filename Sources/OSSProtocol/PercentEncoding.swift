/// Percent-encoding as the OSS SDKs use it (spec §1.1, §6.4).
public enum PercentEncoding {
    /// Decodes `%XX` escapes once. `+` stays `+`: no SDK sends it for a space.
    /// Returns nil for a truncated or non-hex escape, or bytes that are not UTF-8.
    public static func decode(_ text: Substring) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex,
                      let high = hexValue(utf8[first]), let low = hexValue(utf8[second]) else { return nil }
                out.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                out.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> String? {
        decode(text[...])
    }

    /// A query name or value: `+` is a space, then `%XX` decoded once. oss2 sends query
    /// values through `requests`, which writes a space as `+`; Go, Java and oss2 all
    /// write a literal `+` as `%2B`, so no SDK is hurt by this reading.
    public static func decodeQueryComponent(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "+")) else { return decode(text) }
        return decode(Substring(String(decoding: text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 },
                                       as: UTF8.self)))
    }

    /// RFC 3986: unreserved `A-Za-z0-9-_.~` kept, everything else `%XX` upper-case.
    public static func encodeRFC3986(_ text: String, keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
