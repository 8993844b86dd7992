import OSSProtocol

/// PutBucketLifecycle's body and GetBucketLifecycle's answer. The shape is
/// checked here (`MalformedXML`); the rules' consistency in `LifecycleRules`.
public enum LifecycleXML {
    /// Parses and validates a document. `allowOverlap` is the
    /// `x-oss-allow-same-action-overlap: true` header. `makeId` names rules
    /// sent without an ID, as OSS generates one.
    public static func parse(_ body: [UInt8], allowOverlap: Bool = false,
                             makeId: () -> String = { LifecycleXML.generatedId() }) throws(OSSError) -> LifecycleConfiguration {
        guard !body.isEmpty else { throw .malformedXML("the body is empty; expected a LifecycleConfiguration document") }
        let root = try XMLDocument.parse(body)
        guard root.name == "LifecycleConfiguration" else {
            throw .malformedXML("root element must be LifecycleConfiguration, not \(root.name)")
        }
        var rules: [LifecycleRule] = []
        for node in root.children {
            guard node.name == "Rule" else { throw .malformedXML("unexpected element \(node.name) in LifecycleConfiguration") }
            rules.append(try rule(node, makeId: makeId))
        }
        let configuration = LifecycleConfiguration(rules: rules)
        try LifecycleRules.validate(configuration, allowOverlap: allowOverlap)
        return configuration
    }

    /// A random rule ID, as OSS assigns to rules sent without one.
    public static func generatedId() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return String((0..<32).map { _ in hex[Int(generator.next() % 16)] })
    }

    static func rule(_ node: XMLNode, makeId: () -> String) throws(OSSError) -> LifecycleRule {
        let id = node.text(of: "ID") ?? ""
        guard let status = node.text(of: "Status") else { throw .malformedXML("Rule without Status") }
        guard status == "Enabled" || status == "Disabled" else {
            throw .malformedXML("Status must be Enabled or Disabled, not \(status)")
        }
        for name in ["NoncurrentVersionExpiration", "NoncurrentVersionTransition"] where node.child(name) != nil {
            throw .versioningNotEmulated
        }
        var rule = LifecycleRule(id: id.isEmpty ? makeId() : id, prefix: node.text(of: "Prefix") ?? "", enabled: status == "Enabled")
        rule.tags = try node.children("Tag").map { tag throws(OSSError) in try Self.tag(tag) }
        if let expiration = node.child("Expiration") { rule.expiration = try Self.expiration(expiration) }
        rule.transitions = try node.children("Transition").map { transition throws(OSSError) in try Self.transition(transition) }
        if let abort = node.child("AbortMultipartUpload") { rule.abortMultipartUpload = try time(abort, in: "AbortMultipartUpload") }
        if let filter = node.child("Filter") { rule.filter = try Self.filter(filter) }
        return rule
    }

    static func tag(_ node: XMLNode) throws(OSSError) -> ObjectTag {
        guard let key = node.text(of: "Key") else { throw .malformedXML("Tag without Key") }
        return ObjectTag(key: key, value: node.text(of: "Value") ?? "")
    }

    static func expiration(_ node: XMLNode) throws(OSSError) -> LifecycleExpiration {
        let present = ["Days", "Date", "CreatedBeforeDate", "ExpiredObjectDeleteMarker"].filter { node.child($0) != nil }
        guard present.count == 1 else {
            throw .malformedXML("Expiration needs exactly one of Days, Date, CreatedBeforeDate, ExpiredObjectDeleteMarker")
        }
        switch present[0] {
        case "Days": return LifecycleExpiration(.days(try days(node, in: "Expiration")))
        case "Date": return LifecycleExpiration(.date(try midnight(node.text(of: "Date") ?? "", name: "Date")))
        case "CreatedBeforeDate":
            return LifecycleExpiration(.createdBeforeDate(try midnight(node.text(of: "CreatedBeforeDate") ?? "", name: "CreatedBeforeDate")))
        default:
            return LifecycleExpiration(.expiredObjectDeleteMarker(try bool(node, "ExpiredObjectDeleteMarker") ?? false))
        }
    }

    static func transition(_ node: XMLNode) throws(OSSError) -> LifecycleTransition {
        guard let storageClass = node.text(of: "StorageClass") else { throw .malformedXML("Transition without StorageClass") }
        guard StorageClassOrder.rank(storageClass) > 0 else {
            throw .invalidArgument("The storage class of a transition must be IA, Archive, ColdArchive or DeepColdArchive.",
                                   name: "StorageClass", value: storageClass)
        }
        return LifecycleTransition(
            time: try time(node, in: "Transition"), storageClass: storageClass,
            isAccessTime: try bool(node, "IsAccessTime"), returnToStdWhenVisit: try bool(node, "ReturnToStdWhenVisit"),
            allowSmallFile: try bool(node, "AllowSmallFile"))
    }

    static func filter(_ node: XMLNode) throws(OSSError) -> LifecycleFilter {
        var filter = LifecycleFilter()
        for not in node.children("Not") {
            let tag: ObjectTag? = try not.child("Tag").map { tag throws(OSSError) in try Self.tag(tag) }
            filter.not.append(LifecycleNot(prefix: not.text(of: "Prefix") ?? "", tag: tag))
        }
        filter.objectSizeGreaterThan = try size(node, "ObjectSizeGreaterThan")
        filter.objectSizeLessThan = try size(node, "ObjectSizeLessThan")
        return filter
    }

    static func time(_ node: XMLNode, in element: String) throws(OSSError) -> LifecycleTime {
        switch (node.child("Days"), node.text(of: "CreatedBeforeDate")) {
        case (.some, nil): return .days(try days(node, in: element))
        case (nil, .some(let date)): return .createdBefore(try midnight(date, name: "CreatedBeforeDate"))
        default: throw .malformedXML("\(element) needs exactly one of Days and CreatedBeforeDate")
        }
    }

    static func days(_ node: XMLNode, in element: String) throws(OSSError) -> Int {
        let text = node.text(of: "Days") ?? ""
        guard let days = Int(text), days > 0, days <= LifecycleRules.maxDays else {
            throw .invalidArgument("\(element) Days must be a positive integer of at most \(LifecycleRules.maxDays).",
                                   name: "Days", value: text)
        }
        return days
    }

    static func size(_ node: XMLNode, _ name: String) throws(OSSError) -> Int64? {
        guard let text = node.text(of: name) else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw .invalidArgument("\(name) must be a non-negative integer.", name: name, value: text)
        }
        return value
    }

    static func bool(_ node: XMLNode, _ name: String) throws(OSSError) -> Bool? {
        guard let text = node.text(of: name) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .malformedXML("\(name) must be true or false, not \(text)")
        }
    }

    /// OSS takes dates as ISO 8601 at a UTC midnight (`2016-12-25T00:00:00.000Z`).
    static func midnight(_ text: String, name: String) throws(OSSError) -> Int64 {
        guard let seconds = OSSProtocol.OSSTime.parseISO8601(text), seconds % 86_400 == 0 else {
            throw .invalidArgument("\(name) must be an ISO 8601 UTC midnight such as 2016-12-25T00:00:00.000Z.",
                                   name: name, value: text)
        }
        return seconds
    }
}
