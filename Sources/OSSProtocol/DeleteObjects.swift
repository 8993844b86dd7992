/// `POST /?delete` request body: `<Delete><Quiet/><Object><Key/></Object>...</Delete>`.
public struct DeleteObjectsRequest: Sendable, Equatable {
    /// OSS deletes at most 1000 objects per request.
    public static let maxObjects = 1000

    public var quiet: Bool
    /// Raw keys in request order (the SDKs do not encode them).
    public var keys: [String]

    public init(quiet: Bool, keys: [String]) {
        self.quiet = quiet
        self.keys = keys
    }

    public static func parse(_ body: [UInt8]) throws(OSSError) -> DeleteObjectsRequest {
        let root = try XMLDocument.parse(body)
        guard root.name == "Delete" else { throw .malformedXML("root element must be Delete, not \(root.name)") }
        let quiet: Bool
        switch root.text(of: "Quiet") {
        case nil, "", "false": quiet = false
        case "true": quiet = true
        case let other?: throw .malformedXML("Quiet must be true or false, not \(other)")
        }
        let objects = root.children("Object")
        guard !objects.isEmpty else { throw .malformedXML("no Object to delete") }
        guard objects.count <= maxObjects else {
            throw .malformedXML("more than \(maxObjects) objects in one request")
        }
        var keys: [String] = []
        keys.reserveCapacity(objects.count)
        for object in objects {
            guard let key = object.text(of: "Key") else { throw .malformedXML("Object without Key") }
            try NameRules.validateObjectKey(key)
            keys.append(key)
        }
        return DeleteObjectsRequest(quiet: quiet, keys: keys)
    }
}

/// `POST /?delete` response. Quiet requests list nothing.
public enum DeleteObjectsXML {
    public static func result(deleted: [String], quiet: Bool, urlEncoded: Bool) -> [UInt8] {
        var w = XMLWriter(root: "DeleteResult")
        if urlEncoded { w.element("EncodingType", "url") }
        if !quiet {
            for key in deleted {
                w.open("Deleted")
                w.element("Key", urlEncoded ? PercentEncoding.encodeRFC3986(key, keepSlash: false) : key)
                w.close()
            }
        }
        return w.finish()
    }
}
