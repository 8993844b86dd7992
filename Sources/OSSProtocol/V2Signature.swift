import Digest

/// OSS signature version 2 (`OSS2`), header and presigned forms, as oss2's `AuthV2`
/// computes it: like V1 but HMAC-SHA256, every query parameter signed, and an
/// encoded resource.
public enum V2Signature {
    public static let scheme = "OSS2"

    /// RFC 3986 encoding of `/<bucket>/<key>` in which `/` is encoded too (`%2Fbkt%2Fkey`).
    public static func canonicalizedResource(bucket: String?, key: String?, query: [QueryItem],
                                             excluding excluded: Set<String> = []) -> String {
        let path = bucket.map { $0.isEmpty ? "/" : "/" + $0 + "/" + (key ?? "") } ?? "/"
        var resource = PercentEncoding.encodeRFC3986(path, keepSlash: false)
        let canonicalQuery = V4Signature.canonicalQuery(query, excluding: excluded)
        if !canonicalQuery.isEmpty { resource += "?" + canonicalQuery }
        return resource
    }

    /// `VERB\nContent-MD5\nContent-Type\n<date>\n<x-oss-* and additional headers><a;b>\n<resource>`.
    public static func stringToSign(method: String, headers: [String: String], date: String, additionalHeaders: [String],
                                    bucket: String?, key: String?, query: [QueryItem],
                                    excludingQuery excluded: Set<String> = []) -> String {
        let additional = Set(additionalHeaders)
        let canonicalHeaders = headers.filter { $0.key.hasPrefix("x-oss-") || additional.contains($0.key) }
            .sorted { $0.key < $1.key }
            .map { $0.key + ":" + $0.value + "\n" }
            .joined()
        return method + "\n" + (headers["content-md5"] ?? "") + "\n" + (headers["content-type"] ?? "") + "\n" + date + "\n"
            + canonicalHeaders + additionalHeaders.sorted().joined(separator: ";") + "\n"
            + canonicalizedResource(bucket: bucket, key: key, query: query, excluding: excluded)
    }

    /// base64(HMAC-SHA256(secret, stringToSign)).
    public static func sign(secret: String, stringToSign: String) -> String {
        Base64.encode(HMAC.sha256(key: Array(secret.utf8), message: Array(stringToSign.utf8)))
    }

    /// `OSS2 AccessKeyId:<ak>[,AdditionalHeaders:<a;b>],Signature:<sig>`.
    public struct Authorization: Sendable, Equatable {
        public var accessKeyId: String
        public var additionalHeaders: [String]
        public var signature: String

        public init?(parsing header: String) {
            guard header.hasPrefix(V2Signature.scheme + " ") else { return nil }
            var accessKeyId: String?
            var signature: String?
            var additional: [String] = []
            for field in header.dropFirst(V2Signature.scheme.count + 1).split(separator: ",") {
                let trimmed = SignableRequest.trim(String(field))
                guard let colon = trimmed.firstIndex(of: ":") else { return nil }
                let value = String(trimmed[trimmed.index(after: colon)...])
                switch trimmed[..<colon] {
                case "AccessKeyId": accessKeyId = value
                case "Signature": signature = value
                case "AdditionalHeaders": additional = value.split(separator: ";").map { String($0).lowercased() }
                default: return nil
                }
            }
            guard let accessKeyId, !accessKeyId.isEmpty, let signature, !signature.isEmpty else { return nil }
            self.accessKeyId = accessKeyId
            self.additionalHeaders = additional
            self.signature = signature
        }
    }
}
