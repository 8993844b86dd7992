import OSSProtocol

/// The RoutingRules of a website configuration, validated as OSS does and
/// kept element by element so GetBucketWebsite answers what was put (with
/// booleans written lower-case, as the SDKs parse them).
public struct WebsiteRoutingRules: Sendable, Equatable {
    /// OSS: at most 20 routing rules per bucket.
    public static let maxRules = 20
    /// OSS: at most 10 IncludeHeader conditions per rule, and 10 each of
    /// MirrorHeaders Pass, Remove and Set.
    public static let maxIncludeHeaders = 10
    public static let maxMirrorHeaders = 10
    public static let redirectTypes: Set<String> = ["Mirror", "External", "Internal", "AliCDN"]
    public static let redirectCodes: Set<Int> = [301, 302, 307]

    /// One element of a rule, as sent.
    public struct Element: Sendable, Equatable {
        public var name: String
        public var text: String
        public var children: [Element]

        init(_ node: XMLNode) {
            name = node.name
            text = node.text
            children = node.children.map(Element.init)
        }

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
    }

    public var rules: [Element]

    /// Elements whose text is a boolean.
    static let booleans: Set<String> = [
        "PassQueryString", "MirrorPassQueryString", "MirrorFollowRedirect", "MirrorCheckMd5", "PassAll",
        "EnableReplacePrefix", "MirrorPassOriginalSlashes", "MirrorAllowGetImageInfo", "MirrorUsingRole",
        "MirrorSNI", "MirrorAsyncStatus", "MirrorIsExpressTunnel", "MirrorSaveOssMeta", "MirrorAllowVideoSnapshot",
        "MirrorAllowHeadObject", "TransparentMirrorResponseCodes", "MirrorProxyPass",
    ]

    static func parse(_ node: XMLNode) throws -> WebsiteRoutingRules {
        let ruleNodes = node.children("RoutingRule")
        guard ruleNodes.count <= maxRules else {
            throw OSSError.invalidArgument(
                "A bucket can have at most \(maxRules) routing rules.", name: "RoutingRule", value: String(ruleNodes.count))
        }
        var numbers: Set<Int> = []
        var rules: [Element] = []
        for rule in ruleNodes {
            guard let number = try XMLReading.int(rule, "RuleNumber"), number > 0 else {
                throw OSSError.malformedXML("a RoutingRule needs a positive RuleNumber")
            }
            guard numbers.insert(number).inserted else {
                throw OSSError.invalidArgument("RuleNumber \(number) is used twice.", name: "RuleNumber", value: String(number))
            }
            guard let condition = rule.child("Condition"), let redirect = rule.child("Redirect") else {
                throw OSSError.malformedXML("a RoutingRule needs a Condition and a Redirect")
            }
            try validate(condition: condition, redirect: redirect)
            rules.append(normalised(Element(rule)))
        }
        return WebsiteRoutingRules(rules: rules)
    }

    private static func validate(condition: XMLNode, redirect: XMLNode) throws {
        guard condition.children("IncludeHeader").count <= maxIncludeHeaders else {
            throw OSSError.invalidArgument("A Condition may hold at most \(maxIncludeHeaders) IncludeHeader.", name: "IncludeHeader")
        }
        let errorCode = try XMLReading.int(condition, "HttpErrorCodeReturnedEquals")
        guard let type = redirect.text(of: "RedirectType"), redirectTypes.contains(type) else {
            throw OSSError.invalidArgument(
                "RedirectType must be Mirror, External, Internal or AliCDN.", name: "RedirectType",
                value: redirect.text(of: "RedirectType") ?? "")
        }
        for name in booleans where redirect.child(name) != nil { _ = try XMLReading.bool(redirect, name) }
        if redirect.child("ReplaceKeyWith") != nil && redirect.child("ReplaceKeyPrefixWith") != nil {
            throw OSSError.invalidArgument(
                "ReplaceKeyWith and ReplaceKeyPrefixWith cannot both be set.", name: "ReplaceKeyWith")
        }
        if let code = try XMLReading.int(redirect, "HttpRedirectCode"), !redirectCodes.contains(code) {
            throw OSSError.invalidArgument(
                "HttpRedirectCode must be 301, 302 or 307.", name: "HttpRedirectCode", value: String(code))
        }
        switch type {
        case "Mirror":
            guard errorCode == 404 else {
                throw OSSError.invalidArgument(
                    "A Mirror rule needs HttpErrorCodeReturnedEquals 404.", name: "HttpErrorCodeReturnedEquals",
                    value: errorCode.map(String.init) ?? "")
            }
            guard let url = redirect.text(of: "MirrorURL"), isOriginURL(url) else {
                throw OSSError.invalidArgument(
                    "MirrorURL must start with http:// or https:// and end with /.", name: "MirrorURL",
                    value: redirect.text(of: "MirrorURL") ?? "")
            }
            if let slave = redirect.text(of: "MirrorURLSlave") {
                guard isOriginURL(slave) else {
                    throw OSSError.invalidArgument(
                        "MirrorURLSlave must start with http:// or https:// and end with /.", name: "MirrorURLSlave", value: slave)
                }
                guard redirect.child("MirrorURLProbe") != nil else {
                    throw OSSError.invalidArgument("MirrorURLSlave needs MirrorURLProbe.", name: "MirrorURLProbe")
                }
            }
            if let headers = redirect.child("MirrorHeaders") {
                for name in ["Pass", "Remove", "Set"] where headers.children(name).count > maxMirrorHeaders {
                    throw OSSError.invalidArgument("MirrorHeaders may hold at most \(maxMirrorHeaders) \(name).", name: name)
                }
            }
        case "Internal":
            for name in ["Protocol", "HostName", "HttpRedirectCode"] where redirect.child(name) != nil {
                throw OSSError.invalidArgument("An Internal rule takes no \(name).", name: name)
            }
        default:
            if let proto = redirect.text(of: "Protocol"), proto != "http" && proto != "https" {
                throw OSSError.invalidArgument("Protocol must be http or https.", name: "Protocol", value: proto)
            }
        }
    }

    private static func isOriginURL(_ url: String) -> Bool {
        (url.hasPrefix("http://") || url.hasPrefix("https://")) && url.hasSuffix("/")
    }

    /// Booleans lower-cased; a Mirror redirect's PassQueryString follows its
    /// MirrorPassQueryString (what OSS answers).
    private static func normalised(_ element: Element) -> Element {
        var copy = element
        copy.children = element.children.map(normalised)
        if booleans.contains(copy.name) { copy.text = copy.text.lowercased() }
        if copy.name == "Redirect", copy.child("RedirectType")?.text == "Mirror",
           let mirrorPass = copy.child("MirrorPassQueryString")?.text.lowercased() {
            copy.children.removeAll { $0.name == "PassQueryString" }
            copy.children.insert(
                Element(name: "PassQueryString", text: mirrorPass), at: min(1, copy.children.count))
        }
        return copy
    }

    func write(to w: inout XMLWriter) {
        w.open("RoutingRules")
        for rule in rules { Self.write(rule, to: &w) }
        w.close()
    }

    private static func write(_ element: Element, to w: inout XMLWriter) {
        if element.children.isEmpty {
            w.element(element.name, element.text)
        } else {
            w.open(element.name)
            for child in element.children { write(child, to: &w) }
            w.close()
        }
    }
}

extension WebsiteRoutingRules.Element {
    init(name: String, text: String) {
        self.name = name
        self.text = text
        self.children = []
    }
}
