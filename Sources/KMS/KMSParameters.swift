import Digest

/// The parameters of an RPC-style request (query string and form body) and
/// its HMAC-SHA1 signature: `METHOD&%2F&<percent-encoded sorted pairs>`
/// keyed with `secret&`.
struct KMSParameters {
    var values: [String: String] = [:]

    init(query: Substring, formBody: [UInt8]) {
        Self.parse(query, into: &values)
        if !formBody.isEmpty {
            Self.parse(Substring(String(decoding: formBody, as: UTF8.self)), into: &values)
        }
    }

    subscript(name: String) -> String? { values[name] }

    func stringToSign(method: String) -> String {
        let pairs = values.filter { $0.key != "Signature" }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { Self.encode($0.key) + "=" + Self.encode($0.value) }
            .joined(separator: "&")
        return method + "&" + Self.encode("/") + "&" + Self.encode(pairs)
    }

    static func signature(method: String, parameters: KMSParameters, secret: String) -> String {
        Base64.encode(HMAC.sha1(key: secret + "&", message: parameters.stringToSign(method: method)))
    }

    /// RFC 3986: only unreserved bytes stay as they are.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode([byte], uppercase: true)
            }
        }
        return out
    }

    private static func parse(_ text: Substring, into values: inout [String: String]) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty else { continue }
            values[name] = parts.count > 1 ? (decode(parts[1]) ?? "") : ""
        }
    }

    /// Form decoding: `+` is a space, `%XX` a byte; nil for a broken escape.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 0x2B: bytes.append(0x20)
            case 0x25:
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
