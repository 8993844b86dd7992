import Digest

/// OSS signature version 1: `Authorization: OSS <ak>:<sig>` and presigned URLs
/// (spec §6.2, §6.3).
public enum V1Signature {
    /// Query parameters that are part of the canonicalized resource: the union of
    /// the Go, Python and Java SDK lists (spec §6.2).
    public static let signedSubresources: Set<String> = [
        "acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle", "delete",
        "append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token", "position", "img",
        "style", "styleName", "replication", "replicationProgress", "replicationLocation", "cname",
        "bucketInfo", "comp", "qos", "live", "status", "vod", "startTime", "endTime", "symlink",
        "x-oss-process", "response-content-type", "response-content-language", "response-expires",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
        "restore", "callback", "callback-var", "qosInfo", "policy", "stat", "encryption", "versions",
        "versioning", "versionId", "requestPayment", "x-oss-request-payer", "x-oss-traffic-limit",
        "sequential", "inventory", "inventoryId", "continuation-token", "asyncFetch", "worm", "wormId",
        "wormExtend", "transferAcceleration", "regionList", "metaQuery", "resourceGroup",
        "x-oss-ac-source-ip", "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow",
        "x-oss-async-process", "objectInfo", "udf", "udfName", "udfImage", "udfId", "udfImageDesc",
        "udfApplication", "udfApplicationLog", "rtc", "cloudboxes",
    ]

    /// `/<bucket>/<key>` with the raw key (`/` for service level, `/<bucket>/` for
    /// bucket level), then the signed sub-resources sorted by name.
    public static func canonicalizedResource(bucket: String?, key: String?, query: [QueryItem]) -> String {
        var resource = "/"
        if let bucket, !bucket.isEmpty {
            resource += bucket + "/" + (key ?? "")
        }
        let signed = query.filter { signedSubresources.contains($0.name) }
            .enumerated()
            .sorted { $0.element.name == $1.element.name ? $0.offset < $1.offset : $0.element.name < $1.element.name }
            .map { entry -> String in
                let value = entry.element.value ?? ""
                return value.isEmpty ? entry.element.name : entry.element.name + "=" + value
            }
        if !signed.isEmpty { resource += "?" + signed.joined(separator: "&") }
        return resource
    }

    /// Every `x-oss-*` header, lower-cased, sorted, `name:value\n` each.
    public static func canonicalizedOSSHeaders(_ headers: [String: String]) -> String {
        headers.filter { $0.key.hasPrefix("x-oss-") }
            .sorted { $0.key < $1.key }
            .map { $0.key + ":" + $0.value + "\n" }
            .joined()
    }

    /// `VERB\nContent-MD5\nContent-Type\n<date>\n<oss headers><resource>`; `date` is the
    /// Date header (or the Expires value of a presigned URL), as sent.
    public static func stringToSign(method: String, contentMD5: String, contentType: String, date: String,
                                    ossHeaders: [String: String], bucket: String?, key: String?,
                                    query: [QueryItem]) -> String {
        method + "\n" + contentMD5 + "\n" + contentType + "\n" + date + "\n"
            + canonicalizedOSSHeaders(ossHeaders)
            + canonicalizedResource(bucket: bucket, key: key, query: query)
    }

    /// The string-to-sign of a received request with `date` in the date slot.
    public static func stringToSign(_ request: SignableRequest, date: String) -> String {
        let headers = request.normalizedHeaders()
        return stringToSign(method: request.method, contentMD5: headers["content-md5"] ?? "",
                            contentType: headers["content-type"] ?? "", date: date, ossHeaders: headers,
                            bucket: request.bucket, key: request.key, query: request.query)
    }

    /// base64(HMAC-SHA1(secret, stringToSign)).
    public static func sign(secret: String, stringToSign: String) -> String {
        Base64.encode(HMAC.sha1(key: secret, message: stringToSign))
    }
}
