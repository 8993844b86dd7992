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
///
/// A small non-validating parser of our own rather than FoundationXML: that one traps
/// on some malformed peer input (a non-UTF-8 element name, a mismatched prefixed end tag).
/// It reads elements, attributes (checked, then dropped), character and entity
/// references, CDATA, comments and processing instructions; a DTD is refused, since
/// entity declarations can expand without bound and no OSS body has one.
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
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedXML("body is not valid UTF-8")
        }
        var parser = XMLByteParser(bytes: bytes)
        return try parser.document()
    }
}
