/// The cursor behind `XMLDocument.parse`. Input is already known to be UTF-8.
struct XMLByteParser {
    /// Longest reference body between `&` and `;` (`#x10FFFF` is 8); stops a scan for a
    /// missing `;` from running over the whole body.
    static let maxReferenceLength = 10

    private let bytes: [UInt8]
    private var position = 0
    private var elementCount = 0

    private final class Partial {
        let name: String
        var text: [UInt8] = []
        var children: [XMLNode] = []
        init(name: String) { self.name = name }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Prolog, exactly one root element, then only comments, PIs and whitespace.
    mutating func document() throws(OSSError) -> XMLNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        try skipMisc()
        guard peek() == UInt8(ascii: "<") else { throw fail("expected the root element") }
        let root = try element()
        try skipMisc()
        guard position == bytes.count else { throw fail("content after the root element") }
        return root
    }

    // MARK: Structure

    /// Parses one element iteratively (an explicit stack, so depth costs no recursion).
    private mutating func element() throws(OSSError) -> XMLNode {
        var stack: [Partial] = []
        while true {
            // At "<" of a start tag.
            position += 1
            let name = try readName()
            elementCount += 1
            guard elementCount <= XMLDocument.maxElements else { throw fail("more than \(XMLDocument.maxElements) elements") }
            guard stack.count < XMLDocument.maxDepth else { throw fail("nesting deeper than \(XMLDocument.maxDepth)") }
            let selfClosing = try readAttributes()
            let partial = Partial(name: name)
            if selfClosing {
                let node = XMLNode(name: name, text: "", children: [])
                guard let parent = stack.last else { return node }
                parent.children.append(node)
            } else {
                stack.append(partial)
            }
            // Content until the next start tag, or close elements as end tags arrive.
            while let current = stack.last {
                if try readContent(into: current) {
                    break   // a child start tag is next
                }
                // At "</".
                position += 2
                let endName = try readName()
                skipSpace()
                guard consume(UInt8(ascii: ">")) else { throw fail("malformed end tag </\(endName)") }
                guard endName == current.name else { throw fail("end tag </\(endName)> does not match <\(current.name)>") }
                stack.removeLast()
                let node = XMLNode(name: current.name, text: XMLByteParser.trimmed(current.text), children: current.children)
                guard let parent = stack.last else { return node }
                parent.children.append(node)
            }
        }
    }

    /// Reads character data, references, CDATA, comments and PIs. Returns true when a
    /// child start tag follows, false at an end tag.
    private mutating func readContent(into element: Partial) throws(OSSError) -> Bool {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                if matches("</") { return false }
                if matches("<!--") { try skipComment(); continue }
                if matches("<![CDATA[") { try readCDATA(into: &element.text); continue }
                if matches("<?") { try skipProcessingInstruction(); continue }
                if matches("<!") { throw fail("declarations are not allowed in content") }
                return true
            }
            if byte == UInt8(ascii: "&") {
                try readReference(into: &element.text)
                continue
            }
            guard XMLByteParser.isAllowedContentByte(byte) else { throw fail("NUL byte in content") }
            element.text.append(byte)
            position += 1
        }
        throw fail("unexpected end of document inside <\(element.name)>")
    }

    /// After the element name: attributes, then `>` (false) or `/>` (true).
    private mutating func readAttributes() throws(OSSError) -> Bool {
        var seen: Set<String> = []
        while true {
            let hadSpace = skipSpace()
            if consume(UInt8(ascii: ">")) { return false }
            if matches("/>") { position += 2; return true }
            guard hadSpace else { throw fail("malformed start tag") }
            let name = try readName()
            guard seen.insert(name).inserted else { throw fail("duplicate attribute \(name)") }
            skipSpace()
            guard consume(UInt8(ascii: "=")) else { throw fail("attribute \(name) without value") }
            skipSpace()
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute \(name) value must be quoted")
            }
            position += 1
            var ignored: [UInt8] = []
            while true {
                guard let byte = peek() else { throw fail("unterminated attribute value") }
                if byte == quote { position += 1; break }
                if byte == UInt8(ascii: "<") { throw fail("'<' in attribute value") }
                if byte == UInt8(ascii: "&") { try readReference(into: &ignored); continue }
                guard XMLByteParser.isAllowedByte(byte) else { throw fail("control character in attribute value") }
                position += 1
            }
        }
    }

    // MARK: Lexical pieces

    private mutating func readName() throws(OSSError) -> String {
        let start = position
        while let byte = peek(), XMLByteParser.isNameByte(byte) { position += 1 }
        guard position > start, let first = bytes[start...].first, XMLByteParser.isNameStartByte(first) else {
            throw fail("expected a name")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xH;`; anything else is an error.
    private mutating func readReference(into out: inout [UInt8]) throws(OSSError) {
        position += 1
        let start = position
        while let byte = peek(), byte != UInt8(ascii: ";") {
            guard position - start < XMLByteParser.maxReferenceLength else { throw fail("unterminated reference") }
            position += 1
        }
        guard consume(UInt8(ascii: ";")) else { throw fail("unterminated reference") }
        let name = Array(bytes[start..<(position - 1)])
        switch String(decoding: name, as: UTF8.self) {
        case "amp": out.append(UInt8(ascii: "&"))
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            guard name.first == UInt8(ascii: "#"), let scalar = XMLByteParser.characterReference(name.dropFirst()) else {
                throw fail("unknown entity &\(String(decoding: name, as: UTF8.self));")
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
    }

    private mutating func readCDATA(into out: inout [UInt8]) throws(OSSError) {
        position += 9
        while position < bytes.count {
            if matches("]]>") { position += 3; return }
            out.append(bytes[position])
            position += 1
        }
        throw fail("unterminated CDATA section")
    }

    private mutating func skipComment() throws(OSSError) {
        position += 4
        while position < bytes.count {
            if matches("-->") { position += 3; return }
            position += 1
        }
        throw fail("unterminated comment")
    }

    private mutating func skipProcessingInstruction() throws(OSSError) {
        position += 2
        while position < bytes.count {
            if matches("?>") { position += 2; return }
            position += 1
        }
        throw fail("unterminated processing instruction")
    }

    /// Whitespace, comments and PIs (the XML declaration is a PI here).
    private mutating func skipMisc() throws(OSSError) {
        while true {
            skipSpace()
            if matches("<!--") { try skipComment(); continue }
            if matches("<?") { try skipProcessingInstruction(); continue }
            if matches("<!") { throw fail("document type declarations are not allowed") }
            return
        }
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = position
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        return position > start
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        return literal.withUTF8Buffer { expected in
            for offset in 0..<count where bytes[position + offset] != expected[offset] { return false }
            return true
        }
    }

    private func fail(_ reason: String) -> OSSError {
        .malformedXML("\(reason) (at byte \(position))")
    }

    // MARK: Character classes

    /// Element content may hold any C0 control but NUL. XML 1.0 forbids them,
    /// but object keys may contain them and the SDKs send them raw (oss2's
    /// DeleteMultipleObjects body for a key with `\x0C`, which OSS accepts).
    static func isAllowedContentByte(_ byte: UInt8) -> Bool {
        byte != 0
    }

    /// XML 1.0 forbids C0 controls other than tab, LF and CR.
    static func isAllowedByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// ASCII letters, `_`, `:` and any non-ASCII byte (multi-byte names pass through whole).
    static func isNameStartByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStartByte(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// `N` or `xH` of a character reference, limited to XML's Char production.
    static func characterReference(_ digits: ArraySlice<UInt8>) -> Unicode.Scalar? {
        var value: UInt32 = 0
        let hex = digits.first == UInt8(ascii: "x")
        let body = hex ? digits.dropFirst() : digits
        guard !body.isEmpty, body.count <= 8 else { return nil }
        for byte in body {
            let digit: UInt32
            if let h = PercentEncoding.hexValue(byte), hex {
                digit = UInt32(h)
            } else if byte >= 0x30 && byte <= 0x39 {
                digit = UInt32(byte - 0x30)
            } else {
                return nil
            }
            value = value * (hex ? 16 : 10) + digit
        }
        guard value == 0x09 || value == 0x0A || value == 0x0D || value >= 0x20 else { return nil }
        guard value < 0xFFFE || value >= 0x10000 else { return nil }
        return Unicode.Scalar(value)
    }

    static func trimmed(_ bytes: [UInt8]) -> String {
        var start = 0, end = bytes.count
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while start < end, space(bytes[start]) { start += 1 }
        while end > start, space(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
