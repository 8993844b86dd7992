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

    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&apos;".utf8)
            default: bytes.append(byte)
            }
        }
    }

    /// The escaped form of `text`, for callers building XML by hand.
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        appendEscaped(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
