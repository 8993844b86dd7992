/// The OSS API operation a request is, named as the OSS API reference names
/// it (`PutObject`, `UploadPart`, `GetLiveChannelStat`, …): for the request
/// journal, logs and fault rules. Decided from the method, whether the
/// request names a bucket and a key, its sub-resources and a few headers —
/// never from its body.
public enum OperationName {
    public static func of(method: String, bucket: String?, key: String?, query: [QueryItem],
                          header: (String) -> String?) -> String {
        func has(_ name: String) -> Bool { query.contains { $0.name == name } }
        let copy = header("x-oss-copy-source") != nil
        guard bucket != nil else {
            return method == "GET" || method == "HEAD" ? "ListBuckets" : "\(method)Service"
        }
        if method == "OPTIONS" { return "Options" }
        guard let key, !key.isEmpty else { return bucketOperation(method: method, has: has) }
        if has("live") {
            switch method {
            case "PUT": return has("status") ? "PutLiveChannelStatus" : "PutLiveChannel"
            case "DELETE": return "DeleteLiveChannel"
            default:
                switch query.first(where: { $0.name == "comp" })?.value {
                case "stat": return "GetLiveChannelStat"
                case "history": return "GetLiveChannelHistory"
                default: return "GetLiveChannelInfo"
                }
            }
        }
        if has("vod") { return method == "POST" ? "PostVodPlaylist" : "GetVodPlaylist" }
        if !query.isEmpty {
            for (name, methods) in objectSubresources where has(name) {
                if let operation = methods[method] { return operation }
            }
        }
        if has("uploadId") {
            switch method {
            case "PUT": return copy ? "UploadPartCopy" : "UploadPart"
            case "POST": return "CompleteMultipartUpload"
            case "DELETE": return "AbortMultipartUpload"
            default: return "ListParts"
            }
        }
        switch method {
        case "PUT": return copy ? "CopyObject" : "PutObject"
        case "GET": return "GetObject"
        case "HEAD": return "HeadObject"
        case "DELETE": return "DeleteObject"
        case "POST": return "PostObject"
        default: return method + "Object"
        }
    }

    /// Object sub-resources and the operation each method makes of them, in
    /// the order they are tried; built once, not per request.
    private static let objectSubresources: [(String, [String: String])] = [
        ("acl", ["PUT": "PutObjectACL", "GET": "GetObjectACL"]),
        ("symlink", ["PUT": "PutSymlink", "GET": "GetSymlink", "HEAD": "GetSymlink"]),
        ("tagging", ["PUT": "PutObjectTagging", "GET": "GetObjectTagging", "DELETE": "DeleteObjectTagging"]),
        ("restore", ["POST": "RestoreObject"]),
        ("append", ["POST": "AppendObject"]),
        ("uploads", ["POST": "InitiateMultipartUpload"]),
        ("objectMeta", ["GET": "GetObjectMeta", "HEAD": "GetObjectMeta"]),
    ]

    private static func bucketOperation(method: String, has: (String) -> Bool) -> String {
        switch method {
        case "PUT":
            return has("acl") ? "PutBucketAcl" : "PutBucket"
        case "DELETE":
            return "DeleteBucket"
        case "POST":
            return has("delete") ? "DeleteMultipleObjects" : "PostObject"
        case "GET", "HEAD":
            if has("live") { return "ListLiveChannel" }
            if has("uploads") { return "ListMultipartUploads" }
            if has("acl") { return "GetBucketAcl" }
            if has("bucketInfo") { return "GetBucketInfo" }
            if has("location") { return "GetBucketLocation" }
            if has("list-type") { return "ListObjectsV2" }
            return "ListObjects"
        default:
            return method + "Bucket"
        }
    }
}
