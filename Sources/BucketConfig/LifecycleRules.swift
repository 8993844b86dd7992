import OSSProtocol

/// OSS's consistency checks on a lifecycle configuration, and its limits.
public enum LifecycleRules {
    /// OSS takes at most 1,000 rules per bucket.
    public static let maxRules = 1000
    /// Rule IDs are at most 255 bytes.
    public static let maxIdBytes = 255
    /// Prefixes are object-key prefixes: at most 1,023 bytes.
    public static let maxPrefixBytes = 1023
    /// Days beyond ~27 years are refused rather than overflowing date arithmetic.
    public static let maxDays = 10_000
    /// Characters of lifecycle tag keys and values besides letters and digits (the object-tag set).
    static let tagPunctuation: Set<Character> = [" ", "+", "-", "=", ".", "_", ":", "/"]

    public static func validate(_ configuration: LifecycleConfiguration, allowOverlap: Bool) throws(OSSError) {
        let rules = configuration.rules
        guard !rules.isEmpty else { throw .malformedXML("LifecycleConfiguration needs at least one Rule") }
        guard rules.count <= maxRules else {
            throw .invalidArgument("A bucket can have at most \(maxRules) lifecycle rules.", name: "Rule", value: String(rules.count))
        }
        var ids: Set<String> = []
        for rule in rules {
            guard ids.insert(rule.id).inserted else {
                throw .invalidArgument("Rule ID must be unique.", name: "ID", value: rule.id)
            }
            try validate(rule)
        }
        if !allowOverlap { try checkOverlaps(rules) }
    }

    static func validate(_ rule: LifecycleRule) throws(OSSError) {
        guard rule.id.utf8.count <= maxIdBytes else {
            throw .invalidArgument("Rule ID must be at most \(maxIdBytes) bytes.", name: "ID", value: rule.id)
        }
        guard rule.prefix.utf8.count <= maxPrefixBytes else {
            throw .invalidArgument("Prefix must be at most \(maxPrefixBytes) bytes.", name: "Prefix", value: rule.prefix)
        }
        guard rule.expiration != nil || !rule.transitions.isEmpty || rule.abortMultipartUpload != nil else {
            throw .malformedXML("a Rule needs at least one of Expiration, Transition and AbortMultipartUpload")
        }
        for tag in rule.tags + (rule.filter?.not.compactMap(\.tag) ?? []) {
            // OSS checks the characters of lifecycle tags but not their length.
            guard isAllowedTagText(tag.key), !tag.key.isEmpty, isAllowedTagText(tag.value) else {
                throw .invalidArgument("Tag keys and values may hold only letters, digits, spaces and + - = . _ : /.",
                                       name: "Tag", value: tag.key)
            }
        }
        try validateTransitions(rule)
        try validateFilter(rule)
    }

    static func validateTransitions(_ rule: LifecycleRule) throws(OSSError) {
        var seen: Set<String> = []
        for transition in rule.transitions where !seen.insert(transition.storageClass).inserted {
            throw .invalidArgument("A rule can transition to each storage class once.", name: "StorageClass", value: transition.storageClass)
        }
        let expiration = rule.expiration?.time
        let times = rule.transitions.map(\.time) + (expiration.map { [$0] } ?? [])
        if let first = times.first, times.contains(where: { $0.isDays != first.isDays }) {
            throw .invalidLifecycleRequest("Days and CreatedBeforeDate cannot be mixed in the Expiration and Transitions of one rule.")
        }
        // Colder classes come later (more days, an earlier date); expiration comes last.
        let ordered = rule.transitions.sorted { StorageClassOrder.rank($0.storageClass) < StorageClassOrder.rank($1.storageClass) }
        var steps: [(String, LifecycleTime)] = ordered.map { ($0.storageClass, $0.time) }
        if let expiration { steps.append(("Expiration", expiration)) }
        for (earlier, later) in zip(steps, steps.dropFirst()) where !isLater(later.1, than: earlier.1) {
            throw .invalidArgument(
                "\(later.0) must take effect later than \(earlier.0) in one rule.", name: later.0 == "Expiration" ? "Expiration" : "Transition",
                value: describe(later.1))
        }
    }

    static func validateFilter(_ rule: LifecycleRule) throws(OSSError) {
        guard let filter = rule.filter else { return }
        guard filter.not.count <= 1 else {
            throw .invalidArgument("A Filter can hold one Not.", name: "Not", value: String(filter.not.count))
        }
        for not in filter.not {
            guard not.prefix.hasPrefix(rule.prefix), not.prefix != rule.prefix || not.tag != nil else {
                throw .invalidArgument("The Not prefix must start with the rule's prefix and differ from it.",
                                       name: "Prefix", value: not.prefix)
            }
        }
        if let greater = filter.objectSizeGreaterThan, let less = filter.objectSizeLessThan, greater >= less {
            throw .invalidArgument("ObjectSizeGreaterThan must be smaller than ObjectSizeLessThan.",
                                   name: "ObjectSizeGreaterThan", value: String(greater))
        }
    }

    /// Rules whose prefixes overlap may not both take the same action
    /// (OSS's "Overlap for same action type …") unless the request allows it.
    static func checkOverlaps(_ rules: [LifecycleRule]) throws(OSSError) {
        for (index, rule) in rules.enumerated() {
            for other in rules[(index + 1)...] where rule.prefix.hasPrefix(other.prefix) || other.prefix.hasPrefix(rule.prefix) {
                var shared: [String] = []
                if rule.expiration != nil && other.expiration != nil { shared.append("Expiration") }
                if rule.abortMultipartUpload != nil && other.abortMultipartUpload != nil { shared.append("AbortMultipartUpload") }
                let classes = Set(rule.transitions.map(\.storageClass)).intersection(other.transitions.map(\.storageClass))
                if !classes.isEmpty { shared.append("Transition") }
                if let action = shared.first {
                    throw .invalidArgument("Overlap for same action type \(action)", name: "Prefix", value: other.prefix)
                }
            }
        }
    }

    static func isLater(_ later: LifecycleTime, than earlier: LifecycleTime) -> Bool {
        switch (earlier, later) {
        case (.days(let a), .days(let b)): return b > a
        case (.createdBefore(let a), .createdBefore(let b)): return b < a
        default: return false
        }
    }

    static func describe(_ time: LifecycleTime) -> String {
        switch time {
        case .days(let days): return String(days)
        case .createdBefore(let seconds): return OSSTime.iso8601Milliseconds(seconds * 1000)
        }
    }

    static func isAllowedTagText(_ text: String) -> Bool {
        text.allSatisfy { $0.isLetter || $0.isNumber || tagPunctuation.contains($0) }
    }
}
