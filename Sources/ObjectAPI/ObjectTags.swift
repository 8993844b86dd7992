import OSSProtocol

/// Object tags: OSS's rules and the `x-oss-tagging` header form
/// (`k1=v1&k2=v2`, URL-encoded), which is also how tags are stored
/// (`ObjectMetadata.taggingQuery`).
///
/// Rules, as OSS documents them: at most 10 tags; a key of 1–128 characters,
/// a value of 0–256; keys unique; keys and values made of letters, digits,
/// spaces and `+ - = . _ : /` (letters of any script: OSS takes Chinese tags).
enum ObjectTags {
    static let maxTags = 10
    static let maxKeyLength = 128
    static let maxValueLength = 256
    static let allowedPunctuation: Set<Character> = [" ", "+", "-", "=", ".", "_", ":", "/"]

    /// The header value checked against OSS's rules, as it is stored.
    static func canonicalQuery(header: String) throws -> String {
        let tags = try parse(header: header)
        try validate(tags)
        return encode(tags)
    }

    /// Tags of a stored (or header) query, in order; parts that do not
    /// decode are skipped (a stored query was validated when written).
    static func tags(ofQuery query: String?) -> [ObjectTag] {
        guard let query, !query.isEmpty else { return [] }
        return (try? parse(header: query)) ?? []
    }

    static func encode(_ tags: [ObjectTag]) -> String {
        tags.map {
            PercentEncoding.encodeRFC3986($0.key, keepSlash: false) + "=" + PercentEncoding.encodeRFC3986($0.value, keepSlash: false)
        }.joined(separator: "&")
    }

    static func validate(_ tags: [ObjectTag]) throws {
        guard tags.count <= maxTags else {
            throw OSSError.invalidTag("Object tags cannot be greater than \(maxTags).", ec: "0010-00000217")
        }
        var seen: Set<String> = []
        for tag in tags {
            guard !tag.key.isEmpty, tag.key.count <= maxKeyLength else {
                throw OSSError.invalidTag(
                    "The tag key must be 1 to \(maxKeyLength) characters long: \(tag.key.count) given.", ec: "0010-00000209")
            }
            guard tag.value.count <= maxValueLength else {
                throw OSSError.invalidTag(
                    "The tag value must be at most \(maxValueLength) characters long: \(tag.value.count) given.", ec: "0010-00000214")
            }
            guard isAllowed(tag.key), isAllowed(tag.value) else {
                throw OSSError.invalidTag(
                    "Tag keys and values may hold only letters, digits, spaces and + - = . _ : / (tag key '\(tag.key)').",
                    ec: "0010-00000217")
            }
            guard seen.insert(tag.key).inserted else {
                throw OSSError.invalidTag("The tag key '\(tag.key)' is given more than once.", ec: "0010-00000217")
            }
        }
    }

    static func isAllowed(_ text: String) -> Bool {
        text.allSatisfy { $0.isLetter || $0.isNumber || allowedPunctuation.contains($0) }
    }

    /// `key` or `key=value` pairs joined by `&`; a part with two `=` or a bad
    /// escape makes the whole header invalid.
    private static func parse(header: String) throws -> [ObjectTag] {
        var tags: [ObjectTag] = []
        for part in header.split(separator: "&", omittingEmptySubsequences: true) {
            let fields = part.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count <= 2,
                  let key = PercentEncoding.decode(fields[0]),
                  let value = fields.count == 2 ? PercentEncoding.decode(fields[1]) : ""
            else { throw OSSError.invalidTaggingHeader(header) }
            tags.append(ObjectTag(key: key, value: value))
        }
        return tags
    }
}
