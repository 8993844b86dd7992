/// One object tag.
public struct ObjectTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// PutObjectTagging's body and GetObjectTagging's answer:
/// `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`.
/// The document's shape is checked here; the tag rules (length, characters,
/// count) are the object API's.
public enum TaggingXML {
    /// Tags in document order. A missing `Value` is an empty one, as the SDKs
    /// send for a key-only tag; a missing `Key` is malformed.
    public static func parse(_ body: [UInt8]) throws(OSSError) -> [ObjectTag] {
        guard !body.isEmpty else { throw .malformedXML("the body is empty; expected a Tagging document") }
        let root = try XMLDocument.parse(body)
        guard root.name == "Tagging" else { throw .malformedXML("root element must be Tagging, not \(root.name)") }
        guard let tagSet = root.child("TagSet") else { throw .malformedXML("Tagging without TagSet") }
        var tags: [ObjectTag] = []
        for node in tagSet.children {
            guard node.name == "Tag" else { throw .malformedXML("unexpected element \(node.name) in TagSet") }
            guard let key = node.text(of: "Key") else { throw .malformedXML("Tag without Key") }
            tags.append(ObjectTag(key: key, value: node.text(of: "Value") ?? ""))
        }
        return tags
    }

    public static func document(_ tags: [ObjectTag]) -> [UInt8] {
        var w = XMLWriter(root: "Tagging")
        w.open("TagSet")
        for tag in tags {
            w.open("Tag")
            w.element("Key", tag.key)
            w.element("Value", tag.value)
            w.close()
        }
        w.close()
        return w.finish()
    }
}
