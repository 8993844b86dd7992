/// One object as listings show it.
public struct ObjectEntry: Sendable, Equatable {
    public var key: String
    public var lastModified: Int64
    /// Upper-case hex MD5 without quotes; listings add the quotes.
    public var etag: String
    public var size: Int64
    public var type: String
    public var storageClass: String
    /// `ongoing-request="true"` or `ongoing-request="false", expiry-date="…"`
    /// for an archived object a restore was asked of; nil otherwise.
    public var restoreInfo: String?

    public init(key: String, lastModified: Int64, etag: String, size: Int64, type: String = "Normal",
                storageClass: String = "Standard", restoreInfo: String? = nil) {
        self.key = key
        self.lastModified = lastModified
        self.etag = etag
        self.size = size
        self.type = type
        self.storageClass = storageClass
        self.restoreInfo = restoreInfo
    }
}

/// ListObjects (v1) and ListObjectsV2 query parameters, validated (spec §8).
public struct ListObjectsRequest: Sendable, Equatable {
    public static let defaultMaxKeys = 100
    public static let maxMaxKeys = 1000
    /// Prefix, marker and start-after are object keys or key prefixes.
    public static let maxPrefixBytes = 1023

    public var isV2: Bool
    public var prefix: String
    public var delimiter: String
    public var maxKeys: Int
    /// Whether `encoding-type=url` was asked for.
    public var urlEncoded: Bool
    /// v1 exclusive start key.
    public var marker: String
    /// v2 exclusive start key.
    public var startAfter: String
    /// v2 opaque token; nil when absent.
    public var continuationToken: String?
    public var fetchOwner: Bool

    public init(query: [QueryItem]) throws(OSSError) {
        isV2 = query.value("list-type") == "2"
        if let listType = query.value("list-type"), listType != "2" {
            throw .invalidArgument("list-type must be 2.", name: "list-type", value: listType)
        }
        prefix = query.value("prefix") ?? ""
        delimiter = query.value("delimiter") ?? ""
        marker = query.value("marker") ?? ""
        startAfter = query.value("start-after") ?? ""
        continuationToken = query.value("continuation-token")
        fetchOwner = query.value("fetch-owner") == "true"
        for (name, value) in [("prefix", prefix), ("marker", marker), ("start-after", startAfter)]
        where value.utf8.count > ListObjectsRequest.maxPrefixBytes {
            throw .invalidArgument("\(name) is longer than \(ListObjectsRequest.maxPrefixBytes) bytes.", name: name, value: value)
        }
        switch query.value("encoding-type") {
        case nil, "": urlEncoded = false
        case "url": urlEncoded = true
        case let other?: throw .invalidArgument("The encoding-type must be url.", name: "encoding-type", value: other)
        }
        maxKeys = try parseMaxKeys(query, default: ListObjectsRequest.defaultMaxKeys, limit: ListObjectsRequest.maxMaxKeys)
    }
}

/// `max-keys`: absent or empty → default; otherwise an integer in 1...limit (400 InvalidArgument).
func parseMaxKeys(_ query: [QueryItem], default defaultValue: Int, limit: Int) throws(OSSError) -> Int {
    guard let text = query.value("max-keys"), !text.isEmpty else { return defaultValue }
    guard let value = strictInt(text), value >= 1, value <= limit else {
        throw .invalidArgument("max-keys must be an integer between 1 and \(limit).", name: "max-keys", value: text)
    }
    return value
}

/// Decimal digits with an optional leading `-`, no `+`, no spaces; nil on overflow.
func strictInt(_ text: String) -> Int? {
    let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
    guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(text)
}

/// One page of a listing, ready to render as v1 or v2 `ListBucketResult`.
public struct ObjectListing: Sendable, Equatable {
    public var bucket: String
    public var request: ListObjectsRequest
    public var contents: [ObjectEntry]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// v1 NextMarker / v2 NextContinuationToken; written only when truncated.
    public var next: String?
    public var owner: Owner

    public init(bucket: String, request: ListObjectsRequest, contents: [ObjectEntry], commonPrefixes: [String],
                isTruncated: Bool, next: String?, owner: Owner) {
        self.bucket = bucket
        self.request = request
        self.contents = contents
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.next = next
        self.owner = owner
    }

    public init(bucket: String, request: ListObjectsRequest, page: ListObjectsRequest.Page, owner: Owner) {
        self.init(bucket: bucket, request: request, contents: page.contents, commonPrefixes: page.commonPrefixes,
                  isTruncated: page.isTruncated, next: page.next, owner: owner)
    }

    /// v1 or v2 according to the request. With `encoding-type=url`, key-like fields are
    /// RFC 3986 encoded (Go unescapes them unconditionally, oss2 when EncodingType is url).
    public func xml() -> [UInt8] {
        let r = request
        let encode: (String) -> String = { r.urlEncoded ? PercentEncoding.encodeRFC3986($0, keepSlash: false) : $0 }
        var w = XMLWriter(root: "ListBucketResult")
        w.element("Name", bucket)
        w.element("Prefix", encode(r.prefix))
        if r.isV2 {
            w.element("MaxKeys", r.maxKeys)
            w.element("Delimiter", encode(r.delimiter))
            if !r.startAfter.isEmpty { w.element("StartAfter", encode(r.startAfter)) }
            if let token = r.continuationToken { w.element("ContinuationToken", token) }
            if r.urlEncoded { w.element("EncodingType", "url") }
            w.element("IsTruncated", isTruncated)
            // Go unescapes the next token with url.QueryUnescape ('+' → space) whenever it
            // asked for encoding-type=url, so a Base64 token must be encoded like a key.
            if isTruncated, let next { w.element("NextContinuationToken", encode(next)) }
            w.element("KeyCount", contents.count + commonPrefixes.count)
        } else {
            w.element("Marker", encode(r.marker))
            w.element("MaxKeys", r.maxKeys)
            w.element("Delimiter", encode(r.delimiter))
            if r.urlEncoded { w.element("EncodingType", "url") }
            w.element("IsTruncated", isTruncated)
            if isTruncated, let next { w.element("NextMarker", encode(next)) }
        }
        for entry in contents {
            w.open("Contents")
            w.element("Key", encode(entry.key))
            w.element("LastModified", OSSTime.iso8601(entry.lastModified))
            w.element("ETag", "\"" + entry.etag + "\"")
            w.element("Type", entry.type)
            w.element("Size", entry.size)
            w.element("StorageClass", entry.storageClass)
            if !r.isV2 || r.fetchOwner { BucketXML.writeOwner(owner, to: &w) }
            if let restoreInfo = entry.restoreInfo { w.element("RestoreInfo", restoreInfo) }
            w.close()
        }
        for prefix in commonPrefixes {
            w.open("CommonPrefixes")
            w.element("Prefix", encode(prefix))
            w.close()
        }
        return w.finish()
    }
}
