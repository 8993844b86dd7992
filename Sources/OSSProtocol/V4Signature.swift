import Digest

/// OSS signature version 4 (`OSS4-HMAC-SHA256`), header and presigned forms (spec §6.4, §6.5).
public enum V4Signature {
    public static let algorithm = "OSS4-HMAC-SHA256"
    public static let scopeTerminator = "aliyun_v4_request"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// `<ak>/<yyyymmdd>/<region>/oss/aliyun_v4_request`.
    public struct CredentialScope: Sendable, Equatable {
        public var accessKeyId: String
        public var date: String
        public var region: String

        public init(accessKeyId: String, date: String, region: String) {
            self.accessKeyId = accessKeyId
            self.date = date
            self.region = region
        }

        /// nil unless the value has exactly the five parts with `oss` and the terminator.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5, !parts[0].isEmpty, parts[1].utf8.count == 8,
                  parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[2].isEmpty,
                  parts[3] == "oss", parts[4] == Substring(V4Signature.scopeTerminator) else { return nil }
            self.init(accessKeyId: String(parts[0]), date: String(parts[1]), region: String(parts[2]))
        }

        /// The scope line of the string-to-sign (no access key).
        public var scope: String { date + "/" + region + "/oss/" + V4Signature.scopeTerminator }
    }

    /// `/<bucket>/<key>` RFC 3986 encoded with `/` kept; always includes the bucket.
    public static func canonicalURI(bucket: String?, key: String?) -> String {
        guard let bucket, !bucket.isEmpty else { return "/" }
        return "/" + PercentEncoding.encodeRFC3986(bucket + "/" + (key ?? ""), keepSlash: true)
    }

    /// All parameters, names and values RFC 3986 encoded, sorted by encoded name;
    /// `name` alone for an empty value.
    public static func canonicalQuery(_ query: [QueryItem], excluding excluded: Set<String> = []) -> String {
        var pairs: [(name: String, value: String)] = []
        for item in query where !excluded.contains(item.name) {
            pairs.append((PercentEncoding.encodeRFC3986(item.name, keepSlash: false),
                          PercentEncoding.encodeRFC3986(item.value ?? "", keepSlash: false)))
        }
        pairs.sort { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        var parts: [String] = []
        for pair in pairs {
            parts.append(pair.value.isEmpty ? pair.name : pair.name + "=" + pair.value)
        }
        return parts.joined(separator: "&")
    }

    /// `x-oss-*`, `content-type`, `content-md5` and the additional headers, `name:value\n` each.
    public static func canonicalHeaders(_ headers: [String: String], additional: [String]) -> String {
        let extra = Set(additional)
        return headers.filter { $0.key.hasPrefix("x-oss-") || $0.key == "content-type" || $0.key == "content-md5"
            || extra.contains($0.key) }
            .sorted { $0.key < $1.key }
            .map { $0.key + ":" + $0.value + "\n" }
            .joined()
    }

    public static func canonicalRequest(method: String, bucket: String?, key: String?, query: [QueryItem],
                                        excludingQuery excluded: Set<String> = [],
                                        headers: [String: String], additionalHeaders: [String]) -> String {
        let additional = additionalHeaders.map { $0.lowercased() }
        let payload = headers["x-oss-content-sha256"] ?? unsignedPayload
        return method + "\n" + canonicalURI(bucket: bucket, key: key) + "\n"
            + canonicalQuery(query, excluding: excluded) + "\n"
            + canonicalHeaders(headers, additional: additional) + "\n"
            + additional.joined(separator: ";") + "\n"
            + payload
    }

    /// `timestamp` is `x-oss-date` (or the Date header verbatim, as Go v3 signs it).
    public static func stringToSign(timestamp: String, scope: CredentialScope, canonicalRequest: String) -> String {
        algorithm + "\n" + timestamp + "\n" + scope.scope + "\n" + Hex.encode(Hash.sha256(Array(canonicalRequest.utf8)))
    }

    public static func signingKey(secret: String, scope: CredentialScope) -> [UInt8] {
        var key = HMAC.sha256(key: Array(("aliyun_v4" + secret).utf8), message: Array(scope.date.utf8))
        key = HMAC.sha256(key: key, message: Array(scope.region.utf8))
        key = HMAC.sha256(key: key, message: Array("oss".utf8))
        return HMAC.sha256(key: key, message: Array(scopeTerminator.utf8))
    }

    /// Lower-case hex HMAC-SHA256.
    public static func sign(secret: String, scope: CredentialScope, stringToSign: String) -> String {
        Hex.encode(HMAC.sha256(key: signingKey(secret: secret, scope: scope), message: Array(stringToSign.utf8)))
    }

    /// The fields of a V4 `Authorization` header.
    public struct Authorization: Sendable, Equatable {
        public var credential: CredentialScope
        public var signature: String
        public var additionalHeaders: [String]

        /// Scheme, space, then comma-separated `k=v` in any order, spaces trimmed.
        public init?(parsing header: String) {
            guard header.hasPrefix(V4Signature.algorithm + " ") else { return nil }
            let rest = header.dropFirst(V4Signature.algorithm.count + 1)
            var credential: CredentialScope?
            var signature: String?
            var additional: [String] = []
            for field in rest.split(separator: ",", omittingEmptySubsequences: true) {
                let trimmed = SignableRequest.trim(String(field))
                guard let equals = trimmed.firstIndex(of: "=") else { return nil }
                let name = trimmed[..<equals]
                let value = String(trimmed[trimmed.index(after: equals)...])
                switch name {
                case "Credential": credential = CredentialScope(parsing: value)
                    if credential == nil { return nil }
                case "Signature": signature = value
                case "AdditionalHeaders":
                    additional = value.split(separator: ";").map { String($0).lowercased() }
                default: return nil
                }
            }
            guard let credential, let signature, !signature.isEmpty else { return nil }
            self.credential = credential
            self.signature = signature
            self.additionalHeaders = additional
        }
    }
}
