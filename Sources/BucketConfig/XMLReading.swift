import OSSProtocol

/// Reading helpers shared by the configuration documents.
enum XMLReading {
    /// Parses `body` and checks the root element's name.
    static func root(_ body: [UInt8], named name: String) throws -> XMLNode {
        guard !body.isEmpty else { throw OSSError.malformedXML("the body is empty; expected a \(name) document") }
        let root = try XMLDocument.parse(body)
        guard root.name == name else { throw OSSError.malformedXML("root element must be \(name), not \(root.name)") }
        return root
    }

    /// A boolean element: `true`/`false` in any letter case (oss2 writes
    /// Python's `True`/`False` in some documents); nil when absent.
    static func bool(_ node: XMLNode, _ name: String) throws -> Bool? {
        guard let text = node.text(of: name) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw OSSError.malformedXML("\(name) must be true or false, not \(text)")
        }
    }

    /// A non-negative decimal integer element; nil when absent.
    static func int(_ node: XMLNode, _ name: String) throws -> Int? {
        guard let text = node.text(of: name) else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(text) else {
            throw OSSError.invalidArgument("\(name) must be a non-negative integer.", name: name, value: text)
        }
        return value
    }
}
