import FuzzSupport
import OSSProtocol

/// Request bodies: the XML parser and every body parser built on it. A
/// document that parses, written back with XMLWriter, parses to the same tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let root = try? XMLDocument.parse(bytes) {
        var writer = XMLWriter(root: root.name)
        for child in root.children { write(child, into: &writer) }
        writer.close()
        let written = writer.finish()
        guard let again = try? XMLDocument.parse(written) else {
            fatalError("fuzz invariant: written XML does not parse: \(fuzzText(written))")
        }
        fuzzCheck(same(root, again, leafText: false),
                  "written XML parses to another tree: \(fuzzText(written))")
    }
    _ = try? LiveChannelConfiguration.parse(bytes)
    _ = try? DeleteObjectsRequest.parse(bytes)
    _ = try? MultipartXML.parseComplete(bytes)
    _ = try? TaggingXML.parse(bytes)
    _ = try? RestoreRequest.parse(bytes)
    _ = try? CreateBucketConfiguration.parse(bytes)
    return 0
}

/// Elements with children lose their own text (OSS bodies have no mixed content).
private func write(_ node: XMLNode, into writer: inout XMLWriter) {
    if node.children.isEmpty {
        writer.element(node.name, node.text)
    } else {
        writer.open(node.name)
        for child in node.children { write(child, into: &writer) }
        writer.close()
    }
}

private func same(_ a: XMLNode, _ b: XMLNode, leafText: Bool) -> Bool {
    guard a.name == b.name, a.children.count == b.children.count else { return false }
    if a.children.isEmpty { return !leafText || !writable(a.text) || a.text == b.text }
    return zip(a.children, b.children).allSatisfy { same($0, $1, leafText: $0.children.isEmpty) }
}

/// Text XMLWriter writes as it is: element content may hold C0 controls (keys
/// with them are accepted, as OSS does), which responses replace with U+FFFD.
private func writable(_ text: String) -> Bool {
    !text.unicodeScalars.contains { ($0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value)) || $0.value == 0xFFFE || $0.value == 0xFFFF }
}
