/// Builds the compact XML bodies OSS returns: a declaration, then elements
/// with exact leaf text (oss2 compares leaves as strings, spec §1.4).
public struct XMLWriter: Sendable {
    private var bytes: [UInt8]
    private var stack: [String] = []

    /// Writes the declaration and opens `root`.
    public init(root: String) {
        bytes = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        bytes.append(UInt8(ascii: "\n"))
        open(root)
    }

    public mutating func open(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
        stack.append(name)
    }

    /// Closes the innermost open element; does nothing once everything is closed.
    public mutating func close() {
        guard let name = stack.popLast() else { return }
        closeTag(name)
    }

    public mutating func element(_ name: String, _ text: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
        XMLWriter.appendEscaped(text, to: &bytes)
        closeTag(name)
    }

    public mutating func element(_ name: String, _ value: Int) {
        element(name, String(value))
    }

    public mutating func element(_ name: String, _ value: Int64) {
        element(name, String(value))
    }

    /// Lower-case `true`/`false`: Python rejects anything else.
    public mutating func element(_ name: String, _ value: Bool) {
        element(name, value ? "true" : "false")
    }

    /// Closes every open element and returns the document.
    public func finish() -> [UInt8] {
        var copy = self
        while !copy.stack.isEmpty { copy.close() }
        return copy.bytes
    }

    private mutating func closeTag(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Escapes markup characters; characters XML 1.0 cannot carry at all (C0
    /// controls other than tab, LF and CR; U+FFFE and U+FFFF) become U+FFFD, so a
    /// document stays parseable whatever a name holds. Listings of such keys are
    /// exact only with `encoding-type=url`.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&apos;".utf8)
            case 0x09, 0x0A, 0x0D: bytes.append(byte)
            case 0x00..<0x20: bytes.append(contentsOf: replacement)
            case 0xEF:
                // U+FFFE / U+FFFF are EF BF BE / EF BF BF.
                let second = utf8.index(after: index)
                if second != utf8.endIndex, utf8[second] == 0xBF {
                    let third = utf8.index(after: second)
                    if third != utf8.endIndex, utf8[third] == 0xBE || utf8[third] == 0xBF {
                        bytes.append(contentsOf: replacement)
                        index = utf8.index(after: third)
                        continue
                    }
                }
                bytes.append(byte)
            default: bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
    }

    /// U+FFFD in UTF-8.
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// The escaped form of `text`, for callers building XML by hand.
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        appendEscaped(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
