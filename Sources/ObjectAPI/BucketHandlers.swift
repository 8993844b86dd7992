import BucketConfig
import Digest
import OSSProtocol
import Storage
import Transport

/// ListBuckets, PutBucket, DeleteBucket, bucket ACL/info/location, ListObjects.
public struct BucketHandlers: Sendable {
    let store: ObjectStore
    let owner: Owner
    let dependents: any BucketDependents
    /// CORS, referer, website and encryption settings (`BucketHandlers+Serving.swift`).
    let configs: BucketServingConfig

    public init(store: ObjectStore, owner: Owner, dependents: any BucketDependents, configs: BucketServingConfig? = nil) {
        self.store = store
        self.owner = owner
        self.dependents = dependents
        self.configs = configs ?? BucketServingConfig(store: store)
    }

    public func service(_ context: RequestContext) throws -> HTTPResponse {
        guard context.method == "GET" else {
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Service")
        }
        let request = try ListBucketsRequest(query: context.query)
        let group = context.headers["x-oss-resource-group-id"].flatMap { $0.isEmpty ? nil : $0 }
        let all = try store.listBuckets().filter {
            $0.name.hasPrefix(request.prefix) && request.marker.utf8.lexicographicallyPrecedes($0.name.utf8)
                && (group == nil || $0.resourceGroupId == group)
        }.filter { try request.tagKey == nil || BucketTagging.matches(try bucketTags($0.name), key: request.tagKey, value: request.tagValue) }
        let page = Array(all.prefix(request.maxKeys))
        let endpoint = context.headers["Host"] ?? context.target.host
        let truncated = all.count > page.count
        let summaries = page.map {
            BucketSummary(name: $0.name, creationDate: $0.creationDate, storageClass: $0.storageClass, extranetEndpoint: endpoint,
                          dataRedundancyType: $0.dataRedundancyType, resourceGroupId: $0.resourceGroupId)
        }
        let listPage = BucketListPage(
            prefix: request.prefix, marker: request.marker, maxKeys: request.maxKeys, isTruncated: truncated,
            nextMarker: truncated ? page.last?.name : nil)
        return context.respond.xml(BucketXML.listBuckets(owner: owner, buckets: summaries, page: request.paged ? listPage : nil))
    }

    public func handle(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        let query = context.query
        if context.method == "PUT" || context.method == "POST", let provided = context.headers["Content-MD5"] {
            try ContentMD5.verify(header: provided, digest: context.request.bodyMD5)
        }
        if let answer = try configuration(context, bucket: bucket) { return answer }
        if let answer = try servingSubresource(context, bucket: bucket) { return answer }
        try rejectUnknownSubresources(query)
        switch context.method {
        case "PUT":
            if query.has("acl") { return try putACL(context, bucket: bucket) }
            try rejectUnsupported(query)
            return try create(context, bucket: bucket)
        case "GET", "HEAD":
            let info = try existing(bucket)
            if query.has("uploads") { return try listMultipartUploads(context, bucket: bucket) }
            if query.has("acl") {
                return context.respond.xml(BucketXML.accessControlPolicy(owner: owner, acl: OSSProtocol.BucketACL(info.acl)))
            }
            if query.has("bucketInfo") {
                // The service endpoint, not the bucket's own host.
                let host = context.target.host
                let endpoint = context.target.style == .virtualHosted && host.hasPrefix(bucket + ".")
                    ? String(host.dropFirst(bucket.utf8.count + 1)) : host
                let summary = BucketSummary(
                    name: info.name, creationDate: info.creationDate, storageClass: info.storageClass,
                    extranetEndpoint: endpoint, dataRedundancyType: info.dataRedundancyType, resourceGroupId: info.resourceGroupId)
                let encryption = configs.settings(bucket).encryption.map {
                    BucketEncryptionSummary(algorithm: $0.algorithm, kmsMasterKeyId: $0.kmsMasterKeyId, kmsDataEncryption: $0.kmsDataEncryption)
                }
                return context.respond.xml(
                    BucketXML.bucketInfo(summary, owner: owner, acl: OSSProtocol.BucketACL(info.acl), encryption: encryption))
            }
            if query.has("location") {
                return context.respond.xml(BucketXML.location(BucketSummary(name: info.name, creationDate: 0, extranetEndpoint: "").location))
            }
            try rejectUnsupported(query)
            return try listObjects(context, bucket: bucket)
        case "DELETE":
            try rejectUnsupported(query)
            _ = try existing(bucket)
            // OSS refuses to delete a bucket with unfinished multipart uploads too.
            if dependents.count(bucket: bucket) > 0 || store.hasMultipartUploads(bucket: bucket) {
                throw OSSError.bucketNotEmpty(bucket)
            }
            try store.deleteBucket(bucket)
            dependents.removeBucket(bucket)
            return context.respond.response(status: 204)
        case "POST":
            if query.has("delete") { return try deleteMultiple(context, bucket: bucket) }
            try rejectUnsupported(query)
            throw OSSError.methodNotAllowed(method: "POST", resourceType: "Bucket")
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
        }
    }

    /// Signed query parameters that are not sub-resources of their own: a
    /// ListObjectsV2 page token and the STS token of a presigned URL.
    static let servedSignedParameters: Set<String> = ["continuation-token", "security-token"]

    /// Bucket sub-resources outside this emulator's scope answer 501.
    private func rejectUnsupported(_ query: [QueryItem]) throws {
        for item in query
        where V1Signature.signedSubresources.contains(item.name) && !Self.servedSignedParameters.contains(item.name) {
            throw OSSError.notImplemented("the '\(item.name)' bucket sub-resource")
        }
    }

    func existing(_ bucket: String) throws -> BucketInfo {
        guard let info = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        return info
    }

    private func create(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        try NameRules.validateBucketName(bucket)
        let acl = try context.headers["x-oss-acl"].map { try OSSProtocol.BucketACL.parse($0) } ?? .private
        let body = try requestBody(context)
        let configuration = try CreateBucketConfiguration.parse(body)
        let encryption = try Self.creationEncryption(context.headers)
        var template = BucketInfo(
            name: bucket, creationDate: 0, acl: Storage.BucketACL(acl), storageClass: configuration.storageClass,
            dataRedundancyType: configuration.dataRedundancyType)
        if let group = context.headers["x-oss-resource-group-id"], !group.isEmpty { template.resourceGroupId = group }
        let created = try store.createBucket(bucket, acl: Storage.BucketACL(acl), template: template)
        if !created, context.headers["x-oss-acl"] != nil {
            // Repeating PutBucket as the owner updates its settings, as OSS does.
            try store.setACL(Storage.BucketACL(acl), bucket: bucket)
        }
        if created, let encryption { try configs.setEncryption(encryption, bucket: bucket) }
        return context.respond.response()
    }

    private func putACL(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        guard let value = context.headers["x-oss-acl"] else {
            throw OSSError.invalidArgument("PutBucketAcl needs the x-oss-acl header.", name: "x-oss-acl", value: "")
        }
        try store.setACL(Storage.BucketACL(try OSSProtocol.BucketACL.parse(value)), bucket: bucket)
        return context.respond.response()
    }

    private func listObjects(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        let request = try ListObjectsRequest(query: context.query)
        var after = request.isV2 ? request.startAfter : request.marker
        if request.isV2, let token = request.continuationToken, !token.isEmpty {
            guard let decoded = ContinuationToken.decode(token) else {
                throw OSSError.invalidArgument("The continuation token is not valid.", name: "continuation-token", value: token)
            }
            if !decoded.utf8.lexicographicallyPrecedes(after.utf8) { after = decoded }
        }
        let listing = try store.listObjects(
            bucket: bucket, prefix: request.prefix, after: after.isEmpty ? nil : after,
            delimiter: request.delimiter.isEmpty ? nil : request.delimiter, maxKeys: request.maxKeys)
        let entries = listing.objects.map {
            ObjectEntry(
                key: $0.key, lastModified: $0.lastModified / 1000, etag: $0.etag, size: $0.size,
                type: $0.objectType.rawValue, storageClass: $0.storageClass,
                restoreInfo: ObjectHandlers.restoreStatus($0, now: context.nowMilliseconds))
        }
        var next = listing.isTruncated ? listing.nextMarker : nil
        if request.isV2, let marker = next { next = ContinuationToken.encode(marker) }
        let page = OSSProtocol.ObjectListing(
            bucket: bucket, request: request, contents: entries, commonPrefixes: listing.commonPrefixes,
            isTruncated: listing.isTruncated, next: next, owner: owner)
        return context.respond.xml(page.xml())
    }

    private func deleteMultiple(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        // OSS requires it here (every SDK sends it); its value is checked with every POST's.
        guard context.headers["Content-MD5"] != nil else {
            throw OSSError.missingArgument(header: "Content-MD5", ec: "0016-00000606")
        }
        let body = try requestBody(context)
        let request = try DeleteObjectsRequest.parse(body)
        for key in request.keys {
            try store.deleteObject(bucket: bucket, key: key)
        }
        let urlEncoded = context.query.value("encoding-type") == "url"
        return context.respond.xml(DeleteObjectsXML.result(deleted: request.keys, quiet: request.quiet, urlEncoded: urlEncoded))
    }
}

/// What a bucket holds besides objects (its LiveChannels): a bucket that
/// holds any is not empty, and they go when it goes.
public protocol BucketDependents: Sendable {
    func count(bucket: String) -> Int
    func removeBucket(_ bucket: String)
}

/// Reads a small request body (XML documents) into memory.
public func requestBody(_ context: RequestContext, limit: Int = 1 << 20) throws -> [UInt8] {
    switch context.request.body {
    case .empty: return []
    case .bytes(let bytes): return bytes
    case .file(let path, let length):
        guard length <= Int64(limit) else { throw OSSError.malformedXML("The XML body is larger than \(limit) bytes.") }
        return try readSmallFile(path)
    }
}

/// ListBuckets paging parameters (`prefix`, `marker`, `max-keys`).
struct ListBucketsRequest {
    static let defaultMaxKeys = 100
    static let maxMaxKeys = 1000
    var prefix: String
    var marker: String
    var maxKeys: Int
    /// Whether the client asked for paging (then the paging elements are echoed).
    var paged: Bool
    /// Only buckets carrying this tag (`tag-key`, and `tag-value` when given).
    var tagKey: String?
    var tagValue: String?

    init(query: [QueryItem]) throws {
        tagKey = query.value("tag-key").flatMap { $0.isEmpty ? nil : $0 }
        tagValue = query.value("tag-value")
        prefix = query.value("prefix") ?? ""
        marker = query.value("marker") ?? ""
        paged = query.has("prefix") || query.has("marker") || query.has("max-keys")
        if let text = query.value("max-keys"), !text.isEmpty {
            guard let value = Int(text), (1...Self.maxMaxKeys).contains(value) else {
                throw OSSError.invalidArgument("max-keys must be an integer between 1 and \(Self.maxMaxKeys).", name: "max-keys", value: text)
            }
            maxKeys = value
        } else {
            maxKeys = Self.defaultMaxKeys
        }
    }
}

/// ListObjectsV2 continuation tokens: the last key returned, Base64-encoded so
/// clients treat it as opaque.
enum ContinuationToken {
    static func encode(_ key: String) -> String { Digest.Base64.encode(Array(key.utf8)) }
    static func decode(_ token: String) -> String? {
        guard let bytes = Digest.Base64.decode(token) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Storage.BucketACL {
    init(_ acl: OSSProtocol.BucketACL) {
        switch acl {
        case .private: self = .private
        case .publicRead: self = .publicRead
        case .publicReadWrite: self = .publicReadWrite
        }
    }
}

extension OSSProtocol.BucketACL {
    init(_ acl: Storage.BucketACL) {
        switch acl {
        case .private: self = .private
        case .publicRead: self = .publicRead
        case .publicReadWrite: self = .publicReadWrite
        }
    }
}
