import OSSProtocol

/// Static website hosting (PutBucketWebsite): the index document answered
/// for the bucket root and "directories" (keys ending in `/`), the error
/// document answered for a missing key, and routing rules.
///
/// Routing rules are validated and stored as sent (`WebsiteRoutingRules`);
/// the emulator does not follow their redirects or mirror origins.
public struct WebsiteConfiguration: Sendable, Equatable {
    public struct IndexDocument: Sendable, Equatable {
        public var suffix: String
        /// Whether `dir/` answers `dir/<suffix>` (true) or the root's `<suffix>` (false, OSS's default).
        public var supportSubDir: Bool
        /// With SupportSubDir, what a missing `dir` (no slash) answers when
        /// `dir/<suffix>` exists: 0 redirect to `dir/`, 1 the usual 404, 2 the index itself.
        public var type: Int

        public init(suffix: String, supportSubDir: Bool = false, type: Int = 0) {
            self.suffix = suffix
            self.supportSubDir = supportSubDir
            self.type = type
        }
    }

    public struct ErrorDocument: Sendable, Equatable {
        public var key: String
        /// The status the error document is answered with: 404 (default) or 200.
        public var httpStatus: Int

        public init(key: String, httpStatus: Int = 404) {
            self.key = key
            self.httpStatus = httpStatus
        }
    }

    /// The values OSS accepts for IndexDocument/Type and ErrorDocument/HttpStatus.
    public static let indexTypes = 0...2
    public static let errorStatuses = [404, 200]

    public var index: IndexDocument?
    public var error: ErrorDocument?
    public var routingRules: WebsiteRoutingRules?

    public init(index: IndexDocument?, error: ErrorDocument? = nil, routingRules: WebsiteRoutingRules? = nil) {
        self.index = index
        self.error = error
        self.routingRules = routingRules
    }

    public static func parse(_ body: [UInt8]) throws -> WebsiteConfiguration {
        let root = try XMLReading.root(body, named: "WebsiteConfiguration")
        var index: IndexDocument?
        if let node = root.child("IndexDocument") {
            guard let suffix = node.text(of: "Suffix"), !suffix.isEmpty else {
                throw OSSError.malformedXML("IndexDocument needs a Suffix")
            }
            guard !suffix.hasPrefix("/") && !suffix.contains("//") else {
                throw OSSError.invalidArgument("The index document suffix is not valid.", name: "Suffix", value: suffix)
            }
            let type = try XMLReading.int(node, "Type") ?? 0
            guard indexTypes.contains(type) else {
                throw OSSError.invalidArgument("IndexDocument Type must be 0, 1 or 2.", name: "Type", value: String(type))
            }
            index = IndexDocument(suffix: suffix, supportSubDir: try XMLReading.bool(node, "SupportSubDir") ?? false, type: type)
        }
        var error: ErrorDocument?
        if let node = root.child("ErrorDocument") {
            guard let key = node.text(of: "Key"), !key.isEmpty else { throw OSSError.malformedXML("ErrorDocument needs a Key") }
            let status = try XMLReading.int(node, "HttpStatus") ?? 404
            guard errorStatuses.contains(status) else {
                throw OSSError.invalidArgument("ErrorDocument HttpStatus must be 404 or 200.", name: "HttpStatus", value: String(status))
            }
            error = ErrorDocument(key: key, httpStatus: status)
        }
        let rules = try root.child("RoutingRules").map(WebsiteRoutingRules.parse)
        guard index != nil || error != nil || rules != nil else {
            throw OSSError.malformedXML("WebsiteConfiguration needs IndexDocument, ErrorDocument or RoutingRules")
        }
        return WebsiteConfiguration(index: index, error: error, routingRules: rules)
    }

    public func document() -> [UInt8] {
        var w = XMLWriter(root: "WebsiteConfiguration")
        if let index {
            w.open("IndexDocument")
            w.element("Suffix", index.suffix)
            w.element("SupportSubDir", index.supportSubDir)
            w.element("Type", index.type)
            w.close()
        }
        if let error {
            w.open("ErrorDocument")
            w.element("Key", error.key)
            w.element("HttpStatus", error.httpStatus)
            w.close()
        }
        routingRules?.write(to: &w)
        return w.finish()
    }

    /// What a GET or HEAD of a key that does not exist answers instead.
    public enum Resolution: Sendable, Equatable {
        /// Answer this object with this status.
        case object(key: String, status: Int)
        /// 302 to the key with a trailing slash (IndexDocument Type 0).
        case redirect(key: String)
    }

    /// The index document's key for the bucket root (`""`) or a directory
    /// key (ending in `/`); nil for any other key or without an index document.
    public func indexKey(forDirectory key: String) -> String? {
        guard let index, key.isEmpty || key.hasSuffix("/") else { return nil }
        return index.supportSubDir ? key + index.suffix : index.suffix
    }

    /// Resolves a missing `key`: its index document when it names a
    /// directory (or, with SupportSubDir, a directory without its slash),
    /// else the error document when `errorDocument` allows it. `exists` says
    /// whether an object exists.
    public func resolveMissing(_ key: String, errorDocument: Bool = true, exists: (String) -> Bool) -> Resolution? {
        if let indexKey = indexKey(forDirectory: key), exists(indexKey) {
            return .object(key: indexKey, status: 200)
        }
        if let index, index.supportSubDir, !key.isEmpty, !key.hasSuffix("/"), exists(key + "/" + index.suffix) {
            switch index.type {
            case 0: return .redirect(key: key + "/")
            case 2: return .object(key: key + "/" + index.suffix, status: 200)
            default: break
            }
        }
        if errorDocument, let error, exists(error.key) { return .object(key: error.key, status: error.httpStatus) }
        return nil
    }
}
