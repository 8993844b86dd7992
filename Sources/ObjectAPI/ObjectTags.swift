import OSSProtocol

/// Object tags: the `x-oss-tagging` header form (`k1=v1&k2=v2`, URL-encoded)
/// and the limits OSS enforces.
enum ObjectTags {
    /// The header value checked against OSS's rules, as it is stored.
    static func canonicalQuery(header: String) throws -> String {
        header
    }
}
