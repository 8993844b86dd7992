import OSSProtocol

/// Bucket tags (Put/Get/DeleteBucketTags): the `Tagging` document of object
/// tags with OSS's bucket rules, which differ from the object ones.
public enum BucketTagging {
    /// At most 20 tags per bucket.
    public static let maxTags = 20
    /// Keys are 1–64 bytes of UTF-8.
    public static let maxKeyBytes = 64
    /// Values are at most 128 bytes of UTF-8.
    public static let maxValueBytes = 128
    /// A key may not start with these (compared without case for `aliyun`).
    static let reservedKeyPrefixes = ["http://", "https://", "aliyun"]

    public static func parse(_ body: [UInt8]) throws(OSSError) -> [ObjectTag] {
        let tags = try TaggingXML.parse(body)
        try validate(tags)
        return tags
    }

    public static func validate(_ tags: [ObjectTag]) throws(OSSError) {
        guard tags.count <= maxTags else {
            throw .invalidBucketTag("A bucket can have at most \(maxTags) tags; \(tags.count) given.")
        }
        var seen: Set<String> = []
        for tag in tags {
            guard !tag.key.isEmpty, tag.key.utf8.count <= maxKeyBytes else {
                throw .invalidBucketTag("A bucket tag key must be 1 to \(maxKeyBytes) bytes long: '\(tag.key)'.")
            }
            let lowered = tag.key.lowercased()
            if let prefix = reservedKeyPrefixes.first(where: { lowered.hasPrefix($0) }) {
                throw .invalidBucketTag("A bucket tag key cannot start with \(prefix): '\(tag.key)'.")
            }
            guard tag.value.utf8.count <= maxValueBytes else {
                throw .invalidBucketTag("A bucket tag value must be at most \(maxValueBytes) bytes long (key '\(tag.key)').")
            }
            let value = tag.value.lowercased()
            guard !value.hasPrefix("http://"), !value.hasPrefix("https://") else {
                throw .invalidBucketTag("A bucket tag value cannot start with http:// or https:// (key '\(tag.key)').")
            }
            guard seen.insert(tag.key).inserted else {
                throw .invalidBucketTag("The tag key '\(tag.key)' is given more than once.")
            }
        }
    }

    /// DeleteBucketTags' `tagging=k1,k2` removes only those keys; a bare `tagging` removes all.
    public static func remaining(_ tags: [ObjectTag], afterDeleting parameter: String?) -> [ObjectTag] {
        guard let parameter, !parameter.isEmpty else { return [] }
        let keys = Set(parameter.split(separator: ",").map(String.init))
        return tags.filter { !keys.contains($0.key) }
    }

    /// ListBuckets' `tag-key` / `tag-value` filter: a bucket with that key
    /// (and that value, when given).
    public static func matches(_ tags: [ObjectTag], key: String?, value: String?) -> Bool {
        guard let key, !key.isEmpty else { return true }
        return tags.contains { $0.key == key && (value == nil || $0.value == value) }
    }
}
