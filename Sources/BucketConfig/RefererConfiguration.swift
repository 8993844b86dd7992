import OSSProtocol

/// Hotlink protection (PutBucketReferer): which `Referer` values may read
/// the bucket's objects. OSS applies it to anonymous and presigned-URL
/// requests only; a request signed in its Authorization header is not checked.
public struct RefererConfiguration: Sendable, Equatable {
    public var allowEmptyReferer: Bool
    /// Whether the query string is cut off a Referer before matching (OSS default: true).
    public var allowTruncateQueryString: Bool
    /// Whether the path is cut off too, leaving `scheme://host` (needs the query cut).
    public var truncatePath: Bool
    public var referers: [String]
    public var blacklist: [String]

    public init(allowEmptyReferer: Bool = true, allowTruncateQueryString: Bool = true, truncatePath: Bool = false,
                referers: [String] = [], blacklist: [String] = []) {
        self.allowEmptyReferer = allowEmptyReferer
        self.allowTruncateQueryString = allowTruncateQueryString
        self.truncatePath = truncatePath
        self.referers = referers
        self.blacklist = blacklist
    }

    /// What GetBucketReferer answers for a bucket that was never configured.
    public static let unconfigured = RefererConfiguration()

    public static func parse(_ body: [UInt8]) throws -> RefererConfiguration {
        let root = try XMLReading.root(body, named: "RefererConfiguration")
        guard let allowEmpty = try XMLReading.bool(root, "AllowEmptyReferer") else {
            throw OSSError.malformedXML("RefererConfiguration needs AllowEmptyReferer")
        }
        guard let list = root.child("RefererList") else {
            throw OSSError.malformedXML("RefererConfiguration needs RefererList")
        }
        let truncateQuery = try XMLReading.bool(root, "AllowTruncateQueryString") ?? true
        let truncatePath = try XMLReading.bool(root, "TruncatePath") ?? false
        if truncatePath && !truncateQuery {
            throw OSSError.invalidArgument(
                "TruncatePath needs AllowTruncateQueryString to be true.", name: "TruncatePath", value: "true")
        }
        let referers = list.children("Referer").map(\.text)
        let blacklist = root.child("RefererBlacklist")?.children("Referer").map(\.text) ?? []
        for referer in referers + blacklist where referer.isEmpty {
            throw OSSError.invalidArgument("A Referer must not be empty.", name: "Referer", value: "")
        }
        return RefererConfiguration(
            allowEmptyReferer: allowEmpty, allowTruncateQueryString: truncateQuery, truncatePath: truncatePath,
            referers: referers, blacklist: blacklist)
    }

    public func document() -> [UInt8] {
        var w = XMLWriter(root: "RefererConfiguration")
        w.element("AllowEmptyReferer", allowEmptyReferer)
        w.element("AllowTruncateQueryString", allowTruncateQueryString)
        w.element("TruncatePath", truncatePath)
        w.open("RefererList")
        for referer in referers { w.element("Referer", referer) }
        w.close()
        w.open("RefererBlacklist")
        for referer in blacklist { w.element("Referer", referer) }
        w.close()
        return w.finish()
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Denied, with the EC OSS gives the reason: empty Referer, on the
        /// blacklist, not on the whitelist.
        case denied(ec: String)
    }

    public static let emptyRefererEC = "0003-00000501"
    public static let blacklistedEC = "0003-00000502"
    public static let notWhitelistedEC = "0003-00000503"

    /// The decision for a request's `Referer` header. An entry matches a
    /// Referer that starts with what it describes (OSS matches URL prefixes:
    /// `http://a.test` allows `http://a.test/page`). An empty whitelist
    /// checks nothing but the blacklist (OSS: hotlink protection is off then).
    public func check(referer: String?) -> Verdict {
        guard let referer, !referer.isEmpty else {
            return referers.isEmpty || allowEmptyReferer ? .allowed : .denied(ec: Self.emptyRefererEC)
        }
        let subject = matchedForm(of: referer)
        let matches: (String) -> Bool = { Wildcard($0 + "*", questionMark: true, caseInsensitive: true).matches(subject) }
        if blacklist.contains(where: matches) { return .denied(ec: Self.blacklistedEC) }
        if !referers.isEmpty && !referers.contains(where: matches) { return .denied(ec: Self.notWhitelistedEC) }
        return .allowed
    }

    /// The Referer as it is matched: without its query string (and path)
    /// when the configuration says so.
    func matchedForm(of referer: String) -> String {
        var text = Substring(referer)
        if allowTruncateQueryString, let mark = text.firstIndex(of: "?") { text = text[..<mark] }
        if truncatePath {
            var start = text.startIndex
            // Skip `scheme://` so its slashes do not count as the path's.
            if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
                start = text.index(colon, offsetBy: 3)
            }
            if let slash = text[start...].firstIndex(of: "/") { text = text[..<slash] }
        }
        return String(text)
    }
}
