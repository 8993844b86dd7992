// XMLParser needs Foundation (NSObject delegate); only this file imports it.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed request body. Immutable, so it can cross queues.
public final class XMLNode: Sendable {
    public let name: String
    /// Character data directly inside the element, trimmed of surrounding whitespace.
    public let text: String
    public let children: [XMLNode]

    public init(name: String, text: String, children: [XMLNode]) {
        self.name = name
        self.text = text
        self.children = children
    }

    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    public func children(_ name: String) -> [XMLNode] {
        children.filter { $0.name == name }
    }

    /// The trimmed text of the first child called `name`; nil when absent.
    public func text(of name: String) -> String? {
        child(name)?.text
    }
}

/// Parses request bodies (LiveChannelConfiguration, Delete, CreateBucketConfiguration)
/// into `XMLNode`s. Every failure is `OSSError.malformedXML`.
public enum XMLDocument {
    /// Bodies above this are refused before parsing: a 1000-key Delete with
    /// 1023-byte keys fits comfortably; anything larger is not a request we serve.
    public static let defaultMaxBytes = 2 * 1024 * 1024
    /// Nesting deeper than any OSS body; guards against pathological input.
    public static let maxDepth = 32
    /// Element count cap: a 1000-object Delete has about 2000 elements.
    public static let maxElements = 20_000

    public static func parse(_ bytes: [UInt8], maxBytes: Int = defaultMaxBytes) throws(OSSError) -> XMLNode {
        guard bytes.count <= maxBytes else {
            throw .malformedXML("body is larger than \(maxBytes) bytes")
        }
        guard !bytes.isEmpty else { throw .malformedXML("empty body") }
        // A DTD can define entities that expand without bound; no OSS body has one.
        if contains(bytes, Array("<!DOCTYPE".utf8)) || contains(bytes, Array("<!ENTITY".utf8)) {
            throw .malformedXML("document type declarations are not allowed")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if let failure = builder.failure { throw .malformedXML(failure) }
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { String(describing: $0) } ?? "not well-formed"
            throw .malformedXML(reason)
        }
        // libxml2 as wrapped by XMLParser stops quietly after the first root element.
        guard endsWithRoot(bytes, root) else { throw .malformedXML("content after the root element") }
        return root
    }

    /// True when the last tag of the document is the root's end tag (or the root's own empty tag).
    private static func endsWithRoot(_ bytes: [UInt8], _ root: XMLNode) -> Bool {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        guard let open = bytes[..<end].lastIndex(of: UInt8(ascii: "<")) else { return false }
        let tail = String(decoding: bytes[open..<end], as: UTF8.self)
        if tail.hasPrefix("</") {
            let name = tail.dropFirst(2).dropLast().trimmingSuffix(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            return tail.hasSuffix(">") && name == root.name
        }
        guard root.children.isEmpty, tail.hasSuffix("/>"), tail.hasPrefix("<" + root.name) else { return false }
        let after = tail.dropFirst(root.name.count + 1).first
        return after == "/" || after == " " || after == "\t" || after == "\n" || after == "\r"
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var match = true
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] {
                match = false
                break
            }
            if match { return true }
        }
        return false
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var copy = self
        while let last = copy.last, predicate(last) { copy.removeLast() }
        return copy
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    final class Partial {
        let name: String
        var text = ""
        var children: [XMLNode] = []
        init(name: String) { self.name = name }
    }

    var stack: [Partial] = []
    var root: XMLNode?
    var failure: String?
    var elementCount = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elementCount += 1
        if root != nil {
            fail(parser, "more than one root element")
        } else if stack.count >= XMLDocument.maxDepth {
            fail(parser, "nesting deeper than \(XMLDocument.maxDepth)")
        } else if elementCount > XMLDocument.maxElements {
            fail(parser, "more than \(XMLDocument.maxElements) elements")
        }
        stack.append(Partial(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard let partial = stack.popLast() else { return }
        let node = XMLNode(name: partial.name, text: trim(partial.text), children: partial.children)
        if let parent = stack.last {
            parent.children.append(node)
        } else {
            root = node
        }
    }

    private func fail(_ parser: XMLParser, _ reason: String) {
        if failure == nil { failure = reason }
        parser.abortParsing()
    }

    private func trim(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t"
    }
}
