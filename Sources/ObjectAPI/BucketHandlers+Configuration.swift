import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Routes the bucket configuration sub-resources (lifecycle, tagging,
/// logging, policy, stat, storage capacity, versioning) and refuses the
/// sub-resources the emulator does not serve.
extension BucketHandlers {
    var records: BucketConfigRecords { BucketConfigRecords(store: store) }

    /// The answer when the request names one of these sub-resources, else nil.
    func configuration(_ context: RequestContext, bucket: String) throws -> HTTPResponse? {
        let query = context.query
        let method = context.method == "HEAD" ? "GET" : context.method
        if query.has("versioning") || query.has("versions") { throw OSSError.versioningNotEmulated }
        if query.has("lifecycle") {
            switch method {
            case "PUT": return try putLifecycle(context, bucket: bucket)
            case "GET": return try getLifecycle(context, bucket: bucket)
            case "DELETE": return try deleteConfiguration(.lifecycle, context, bucket: bucket)
            default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
            }
        }
        if query.has("tagging") {
            switch method {
            case "PUT": return try putTagging(context, bucket: bucket)
            case "GET": return try getTagging(context, bucket: bucket)
            case "DELETE": return try deleteTagging(context, bucket: bucket)
            default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
            }
        }
        if query.has("logging") {
            switch method {
            case "PUT": return try putLogging(context, bucket: bucket)
            case "GET": return try getLogging(context, bucket: bucket)
            case "DELETE": return try deleteConfiguration(.logging, context, bucket: bucket)
            default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
            }
        }
        if query.has("policy") {
            switch method {
            case "PUT": return try putPolicy(context, bucket: bucket)
            case "GET": return try getPolicy(context, bucket: bucket)
            case "DELETE": return try deleteConfiguration(.policy, context, bucket: bucket)
            default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
            }
        }
        if query.has("qos") {
            switch method {
            case "PUT": return try putStorageCapacity(context, bucket: bucket)
            case "GET": return try getStorageCapacity(context, bucket: bucket)
            default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
            }
        }
        if query.has("stat") {
            guard method == "GET" else { throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket") }
            return try getStat(context, bucket: bucket)
        }
        return nil
    }

    /// Deletes a stored setting; OSS answers 204 whether or not there was one.
    func deleteConfiguration(_ name: BucketConfigRecords.Name, _ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        try records.delete(name, bucket: bucket)
        return context.respond.response(status: 204)
    }

    /// Sub-resources served here or by the other bucket handlers.
    static let servedSubresources: Set<String> = [
        "acl", "bucketInfo", "location", "uploads", "delete", "lifecycle", "tagging", "logging", "policy", "stat", "qos",
        "cors", "referer", "website", "encryption",
        "versioning", "versions",
    ]

    /// Parameters of listings (objects, v2, uploads) and of signed URLs: never sub-resources.
    static let listingParameters: Set<String> = [
        "prefix", "marker", "max-keys", "delimiter", "encoding-type", "list-type", "continuation-token", "start-after",
        "fetch-owner", "key-marker", "upload-id-marker", "max-uploads", "security-token", "OSSAccessKeyId", "Expires",
        "Signature",
    ]

    /// A bare parameter (no value, or an empty one) the emulator does not
    /// serve names a sub-resource outside its scope: 501 naming it, rather
    /// than a listing the client did not ask for.
    func rejectUnknownSubresources(_ query: [QueryItem]) throws {
        for item in query where (item.value ?? "").isEmpty {
            let name = item.name
            guard !Self.servedSubresources.contains(name), !Self.listingParameters.contains(name),
                  !name.lowercased().hasPrefix("x-oss-") else { continue }
            throw OSSError.notImplemented("the '\(name)' bucket sub-resource")
        }
    }
}
