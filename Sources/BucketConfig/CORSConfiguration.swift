import OSSProtocol

/// A bucket's cross-origin rules (PutBucketCors), as OSS validates and
/// applies them: the first rule that allows a request answers it.
public struct CORSConfiguration: Sendable, Equatable {
    /// OSS: at most 10 CORS rules per bucket.
    public static let maxRules = 10
    /// The methods a rule may allow.
    public static let methods: Set<String> = ["GET", "PUT", "DELETE", "POST", "HEAD"]

    public struct Rule: Sendable, Equatable {
        public var allowedOrigins: [String]
        public var allowedMethods: [String]
        public var allowedHeaders: [String]
        public var exposeHeaders: [String]
        public var maxAgeSeconds: Int?

        public init(allowedOrigins: [String], allowedMethods: [String], allowedHeaders: [String] = [],
                    exposeHeaders: [String] = [], maxAgeSeconds: Int? = nil) {
            self.allowedOrigins = allowedOrigins
            self.allowedMethods = allowedMethods
            self.allowedHeaders = allowedHeaders
            self.exposeHeaders = exposeHeaders
            self.maxAgeSeconds = maxAgeSeconds
        }

        func allowsOrigin(_ origin: String) -> Bool {
            allowedOrigins.contains { Wildcard($0).matches(origin) }
        }

        /// Header names compare without regard to case (RFC 9110).
        func allowsHeader(_ header: String) -> Bool {
            allowedHeaders.contains { Wildcard($0, caseInsensitive: true).matches(header) }
        }
    }

    public var rules: [Rule]
    /// `ResponseVary`: every answer on the bucket carries `Vary: Origin`.
    public var responseVary: Bool

    public init(rules: [Rule], responseVary: Bool = false) {
        self.rules = rules
        self.responseVary = responseVary
    }

    public static func parse(_ body: [UInt8]) throws -> CORSConfiguration {
        let root = try XMLReading.root(body, named: "CORSConfiguration")
        let ruleNodes = root.children("CORSRule")
        guard !ruleNodes.isEmpty else { throw OSSError.malformedXML("CORSConfiguration needs at least one CORSRule") }
        guard ruleNodes.count <= maxRules else {
            throw OSSError.invalidArgument(
                "A bucket can have at most \(maxRules) CORS rules.", name: "CORSRule", value: String(ruleNodes.count))
        }
        var rules: [Rule] = []
        for node in ruleNodes {
            let origins = node.children("AllowedOrigin").map(\.text)
            let methods = node.children("AllowedMethod").map(\.text)
            guard !origins.isEmpty else { throw OSSError.malformedXML("a CORSRule needs at least one AllowedOrigin") }
            guard !methods.isEmpty else { throw OSSError.malformedXML("a CORSRule needs at least one AllowedMethod") }
            for origin in origins where origin.isEmpty || Wildcard(origin).starCount > 1 {
                throw OSSError.invalidArgument(
                    "An AllowedOrigin must not be empty and may hold at most one wildcard (*).", name: "AllowedOrigin", value: origin)
            }
            for method in methods where !methods.isEmpty && !Self.methods.contains(method) {
                throw OSSError.invalidArgument(
                    "AllowedMethod must be one of GET, PUT, DELETE, POST, HEAD.", name: "AllowedMethod", value: method)
            }
            let headers = node.children("AllowedHeader").map(\.text)
            for header in headers where Wildcard(header).starCount > 1 {
                throw OSSError.invalidArgument(
                    "An AllowedHeader may hold at most one wildcard (*).", name: "AllowedHeader", value: header)
            }
            let exposed = node.children("ExposeHeader").map(\.text)
            for header in exposed where header.contains("*") {
                throw OSSError.invalidArgument("An ExposeHeader may not hold a wildcard (*).", name: "ExposeHeader", value: header)
            }
            guard node.children("MaxAgeSeconds").count <= 1 else {
                throw OSSError.malformedXML("a CORSRule may hold one MaxAgeSeconds")
            }
            rules.append(Rule(
                allowedOrigins: origins, allowedMethods: methods, allowedHeaders: headers, exposeHeaders: exposed,
                maxAgeSeconds: try XMLReading.int(node, "MaxAgeSeconds")))
        }
        return CORSConfiguration(rules: rules, responseVary: try XMLReading.bool(root, "ResponseVary") ?? false)
    }

    /// GetBucketCors's answer (and the stored form).
    public func document() -> [UInt8] {
        var w = XMLWriter(root: "CORSConfiguration")
        for rule in rules {
            w.open("CORSRule")
            for origin in rule.allowedOrigins { w.element("AllowedOrigin", origin) }
            for method in rule.allowedMethods { w.element("AllowedMethod", method) }
            for header in rule.allowedHeaders { w.element("AllowedHeader", header) }
            for header in rule.exposeHeaders { w.element("ExposeHeader", header) }
            if let maxAge = rule.maxAgeSeconds { w.element("MaxAgeSeconds", maxAge) }
            w.close()
        }
        w.element("ResponseVary", responseVary)
        return w.finish()
    }

    /// The answer headers of an `OPTIONS` preflight, or nil when no rule
    /// allows the origin, the requested method and every requested header.
    public func preflight(origin: String, method: String, requestHeaders: String?) -> [(String, String)]? {
        let requested = (requestHeaders ?? "").split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        guard let rule = rules.first(where: { rule in
            rule.allowsOrigin(origin) && rule.allowedMethods.contains(method) && requested.allSatisfy(rule.allowsHeader)
        }) else { return nil }
        var headers = allowHeaders(rule, origin: origin)
        if let requestHeaders, !requested.isEmpty { headers.append(("Access-Control-Allow-Headers", requestHeaders)) }
        if responseVary { headers.append(("Vary", "Origin")) }
        return headers
    }

    /// The CORS headers of an ordinary answer: those of the first rule that
    /// allows the origin and method, none when no rule does (the browser then
    /// withholds the answer); `Vary: Origin` whenever ResponseVary is set.
    public func actual(origin: String?, method: String) -> [(String, String)] {
        var headers: [(String, String)] = []
        if let origin, let rule = rules.first(where: { $0.allowsOrigin(origin) && $0.allowedMethods.contains(method) }) {
            headers = allowHeaders(rule, origin: origin)
        }
        if responseVary { headers.append(("Vary", "Origin")) }
        return headers
    }

    private func allowHeaders(_ rule: Rule, origin: String) -> [(String, String)] {
        // OSS answers the request's origin, even for a rule open to every origin (`*`).
        var headers: [(String, String)] = [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")),
        ]
        if !rule.exposeHeaders.isEmpty {
            headers.append(("Access-Control-Expose-Headers", rule.exposeHeaders.joined(separator: ", ")))
        }
        if let maxAge = rule.maxAgeSeconds { headers.append(("Access-Control-Max-Age", String(maxAge))) }
        return headers
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
