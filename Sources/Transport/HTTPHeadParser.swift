/// Parses a complete request head (request line and header lines, the blank
/// line already removed) per RFC 9112 §3 and §5, strictly: anything a lenient
/// parser might read differently from a proxy is refused.
enum HTTPHeadParser {
    static func parse(lines: [ArraySlice<UInt8>], maxHeaderCount: Int) throws(HTTPRequestError) -> HTTPRequestHead {
        guard let requestLine = lines.first else { throw .malformedRequestLine }
        var head = try parseRequestLine(requestLine)
        guard lines.count - 1 <= maxHeaderCount else { throw .tooManyHeaders }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            pairs.append(try parseField(line))
        }
        head.headers = HTTPHeaders(pairs)
        return head
    }

    /// `method SP request-target SP HTTP-version` (§3).
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequestHead {
        // Exactly two spaces: "GET / HTTP/2.0 extra" and "GET /" are both just malformed.
        guard let firstSpace = line.firstIndex(of: space) else { throw .malformedRequestLine }
        let afterMethod = line[(firstSpace + 1)...]
        guard let secondSpace = afterMethod.firstIndex(of: space) else { throw .malformedRequestLine }
        let version = line[(secondSpace + 1)...]
        guard !version.contains(space) else { throw .malformedRequestLine }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { throw .malformedRequestLine }
        guard !target.isEmpty, target.allSatisfy(isTargetByte) else { throw .malformedRequestLine }
        return HTTPRequestHead(
            method: String(decoding: method, as: UTF8.self),
            target: targetText(target),
            version: try parseVersion(version),
            headers: HTTPHeaders()
        )
    }

    /// The target as text. Raw bytes that are not UTF-8 are written as `%XX`
    /// (decoding them lossily would map different names to one U+FFFD), so they
    /// meet the same refusal as the percent-encoded form.
    static func targetText(_ target: ArraySlice<UInt8>) -> String {
        if let text = String(validating: target, as: UTF8.self) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(target.count * 3)
        for byte in target {
            if byte < 0x80 {
                out.append(byte)
            } else {
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `HTTP/DIGIT.DIGIT`; well-formed versions other than 1.0/1.1 are
    /// unsupported rather than malformed, so the client learns why (505).
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPVersion {
        let start = bytes.startIndex
        guard bytes.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
              bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
              bytes[start + 4] == UInt8(ascii: "/"), bytes[start + 6] == UInt8(ascii: "."),
              let major = digit(bytes[start + 5]), let minor = digit(bytes[start + 7])
        else { throw .malformedRequestLine }
        let version = HTTPVersion(major: major, minor: minor)
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        return version
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> (name: String, value: String) {
        guard let first = line.first, first != space, first != tab else {
            // Obsolete line folding is refused (RFC 9112 §5.2).
            throw .malformedHeader
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .malformedHeader }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw .malformedHeader }
        var value = line[line.index(after: colon)...]
        while let byte = value.first, byte == space || byte == tab { value.removeFirst() }
        while let byte = value.last, byte == space || byte == tab { value.removeLast() }
        guard value.allSatisfy(isFieldValueByte) else { throw .malformedHeader }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Visible ASCII; bytes ≥ 0x80 are let through because some clients send
    /// raw UTF-8 object keys, which the handler may still reject.
    static func isTargetByte(_ byte: UInt8) -> Bool {
        (byte > 0x20 && byte < 0x7F) || byte >= 0x80
    }

    /// field-vchar, SP and HTAB; obs-text passes for UTF-8 user metadata.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }
}
