import OSSProtocol
import Storage
import Transport

/// PutObjectTagging, GetObjectTagging, DeleteObjectTagging (?tagging). Tags
/// are object metadata: changing them keeps Last-Modified and the ETag.
extension ObjectHandlers {
    func tagging(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        try NameRules.validateObjectKey(key)
        switch context.method {
        case "PUT":
            let tags = try TaggingXML.parse(try requestBody(context))
            try ObjectTags.validate(tags)
            try store.updateMetadata(bucket: bucket, key: key, touch: false) { $0.taggingQuery = ObjectTags.encode(tags) }
            return context.respond.response()
        case "GET":
            let info = try store.objectInfo(bucket: bucket, key: key)
            return context.respond.xml(TaggingXML.document(ObjectTags.tags(ofQuery: info.metadata.taggingQuery)))
        case "DELETE":
            try store.updateMetadata(bucket: bucket, key: key, touch: false) { $0.taggingQuery = nil }
            return context.respond.response(status: 204)
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
    }

    /// `x-oss-tagging-count` on GET/HEAD of a tagged object.
    static func taggingCount(_ info: ObjectInfo) -> Int {
        ObjectTags.tags(ofQuery: info.metadata.taggingQuery).count
    }
}
