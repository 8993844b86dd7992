/// What a request asks for, decided from its method, bucket, key and sub-resources
/// (spec §2 routing rules, §8 object subset).
public enum OSSOperation: Sendable, Equatable {
    case listBuckets

    case putBucket(bucket: String)
    case headBucket(bucket: String)
    case deleteBucket(bucket: String)
    case getBucketInfo(bucket: String)
    case getBucketLocation(bucket: String)
    case getBucketAcl(bucket: String)
    case putBucketAcl(bucket: String)
    /// v1 or v2 (`list-type=2`); parse the query with `ListObjectsRequest`.
    case listObjects(bucket: String)
    case deleteMultipleObjects(bucket: String)

    case putObject(bucket: String, key: String)
    case getObject(bucket: String, key: String)
    case headObject(bucket: String, key: String)
    /// `HEAD /<key>?objectMeta` (Go GetObjectMeta, oss2 get_object_meta).
    case getObjectMeta(bucket: String, key: String)
    case deleteObject(bucket: String, key: String)

    case listLiveChannels(bucket: String)
    case putLiveChannel(bucket: String, channel: String)
    case putLiveChannelStatus(bucket: String, channel: String, status: LiveChannelStatus)
    case getLiveChannelInfo(bucket: String, channel: String)
    case getLiveChannelStat(bucket: String, channel: String)
    case getLiveChannelHistory(bucket: String, channel: String)
    case deleteLiveChannel(bucket: String, channel: String)
    case postVodPlaylist(bucket: String, channel: String, playlist: String)
    case getVodPlaylist(bucket: String, channel: String)

    /// Which anonymous requests a bucket ACL can allow. Bucket, `?live` and `?vod`
    /// calls always need a signature.
    public enum AnonymousAccess: Sendable, Equatable {
        case never
        /// Allowed by public-read and public-read-write.
        case read
        /// Allowed by public-read-write only.
        case write
    }

    public var anonymousAccess: AnonymousAccess {
        switch self {
        case .getObject, .headObject, .getObjectMeta: return .read
        case .putObject, .deleteObject: return .write
        case .listBuckets, .putBucket, .headBucket, .deleteBucket, .getBucketInfo, .getBucketLocation, .getBucketAcl,
             .putBucketAcl, .listObjects, .deleteMultipleObjects, .listLiveChannels, .putLiveChannel,
             .putLiveChannelStatus, .getLiveChannelInfo, .getLiveChannelStat, .getLiveChannelHistory,
             .deleteLiveChannel, .postVodPlaylist, .getVodPlaylist:
            return .never
        }
    }

    /// The bucket the operation acts on; nil for ListBuckets.
    public var bucket: String? {
        switch self {
        case .listBuckets: return nil
        case .putBucket(let b), .headBucket(let b), .deleteBucket(let b), .getBucketInfo(let b), .getBucketLocation(let b),
             .getBucketAcl(let b), .putBucketAcl(let b), .listObjects(let b), .deleteMultipleObjects(let b),
             .listLiveChannels(let b):
            return b
        case .putObject(let b, _), .getObject(let b, _), .headObject(let b, _), .getObjectMeta(let b, _),
             .deleteObject(let b, _), .putLiveChannel(let b, _), .putLiveChannelStatus(let b, _, _),
             .getLiveChannelInfo(let b, _), .getLiveChannelStat(let b, _), .getLiveChannelHistory(let b, _),
             .deleteLiveChannel(let b, _), .postVodPlaylist(let b, _, _), .getVodPlaylist(let b, _):
            return b
        }
    }

    /// Sub-resources that name an OSS feature this emulator does not serve: 501 NotImplemented
    /// rather than a silent fallback to a plain object or bucket call.
    public static let unsupportedSubresources: Set<String> = V1Signature.signedSubresources.subtracting([
        "acl", "bucketInfo", "location", "delete", "objectMeta", "live", "vod", "status", "comp", "startTime", "endTime",
        "security-token", "continuation-token", "response-content-type", "response-content-language",
        "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
    ])

    /// Served at bucket level only; on an object (e.g. GetObjectAcl) they are not implemented.
    static let bucketOnlySubresources: Set<String> = ["acl", "bucketInfo", "location", "delete"]

    /// Classifies a resolved request. Throws 405 for a method the resource does not take,
    /// 501 for an unsupported sub-resource, 400 for a bad channel name, status or `comp`.
    public static func classify(method: String, target: RequestTarget) throws(OSSError) -> OSSOperation {
        let query = target.query
        if let unsupported = query.first(where: { unsupportedSubresources.contains($0.name) }) {
            throw .notImplemented(unsupported.name)
        }
        guard let bucket = target.bucket else {
            guard method == "GET" else { throw .methodNotAllowed(method: method, resourceType: "Service") }
            return .listBuckets
        }
        let key = target.key ?? ""
        if query.has("live") { return try liveChannel(method: method, bucket: bucket, key: key, query: query) }
        if query.has("vod") { return try vod(method: method, bucket: bucket, key: key) }
        if key.isEmpty { return try bucketLevel(method: method, bucket: bucket, query: query) }
        if let bucketOnly = query.first(where: { bucketOnlySubresources.contains($0.name) }) {
            throw .notImplemented(bucketOnly.name)
        }
        switch method {
        case "PUT": return .putObject(bucket: bucket, key: key)
        case "GET": return .getObject(bucket: bucket, key: key)
        case "HEAD": return query.has("objectMeta") ? .getObjectMeta(bucket: bucket, key: key) : .headObject(bucket: bucket, key: key)
        case "DELETE": return .deleteObject(bucket: bucket, key: key)
        default: throw .methodNotAllowed(method: method, resourceType: "Object")
        }
    }

    private static func bucketLevel(method: String, bucket: String, query: [QueryItem]) throws(OSSError) -> OSSOperation {
        switch method {
        case "PUT": return query.has("acl") ? .putBucketAcl(bucket: bucket) : .putBucket(bucket: bucket)
        case "GET":
            if query.has("acl") { return .getBucketAcl(bucket: bucket) }
            if query.has("bucketInfo") { return .getBucketInfo(bucket: bucket) }
            if query.has("location") { return .getBucketLocation(bucket: bucket) }
            return .listObjects(bucket: bucket)
        case "HEAD": return .headBucket(bucket: bucket)
        case "DELETE": return .deleteBucket(bucket: bucket)
        case "POST":
            guard query.has("delete") else { throw .methodNotAllowed(method: method, resourceType: "Bucket") }
            return .deleteMultipleObjects(bucket: bucket)
        default: throw .methodNotAllowed(method: method, resourceType: "Bucket")
        }
    }

    private static func liveChannel(method: String, bucket: String, key: String, query: [QueryItem]) throws(OSSError) -> OSSOperation {
        if key.isEmpty {
            guard method == "GET" else { throw .methodNotAllowed(method: method, resourceType: "LiveChannel") }
            return .listLiveChannels(bucket: bucket)
        }
        try NameRules.validateChannelName(key)
        switch method {
        case "PUT":
            guard query.has("status") else { return .putLiveChannel(bucket: bucket, channel: key) }
            return .putLiveChannelStatus(bucket: bucket, channel: key, status: try LiveChannelStatus.parse(queryValue: query.value("status")))
        case "GET":
            switch query.value("comp") {
            case nil: return .getLiveChannelInfo(bucket: bucket, channel: key)
            case "stat": return .getLiveChannelStat(bucket: bucket, channel: key)
            case "history": return .getLiveChannelHistory(bucket: bucket, channel: key)
            case let other?: throw .invalidArgument("comp must be stat or history.", name: "comp", value: other)
            }
        case "DELETE": return .deleteLiveChannel(bucket: bucket, channel: key)
        default: throw .methodNotAllowed(method: method, resourceType: "LiveChannel")
        }
    }

    private static func vod(method: String, bucket: String, key: String) throws(OSSError) -> OSSOperation {
        switch method {
        case "POST":
            let (channel, playlist) = try VodRequest.splitKey(key)
            return .postVodPlaylist(bucket: bucket, channel: channel, playlist: playlist)
        case "GET":
            try NameRules.validateChannelName(key)
            return .getVodPlaylist(bucket: bucket, channel: key)
        default: throw .methodNotAllowed(method: method, resourceType: "LiveChannel")
        }
    }
}
