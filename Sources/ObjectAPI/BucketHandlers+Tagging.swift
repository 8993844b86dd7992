import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Put/Get/DeleteBucketTags and the tags ListBuckets filters on.
extension BucketHandlers {
    func putTagging(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let tags = try BucketTagging.parse(try requestBody(context))
        try records.save(.tagging, bucket: bucket, bytes: TaggingXML.document(tags))
        return context.respond.response()
    }

    /// A bucket without tags answers an empty TagSet, as OSS does.
    func getTagging(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        return context.respond.xml(TaggingXML.document(try bucketTags(bucket)))
    }

    func deleteTagging(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let remaining = BucketTagging.remaining(try bucketTags(bucket), afterDeleting: context.query.value("tagging"))
        if remaining.isEmpty {
            try records.delete(.tagging, bucket: bucket)
        } else {
            try records.save(.tagging, bucket: bucket, bytes: TaggingXML.document(remaining))
        }
        return context.respond.response(status: 204)
    }

    func bucketTags(_ bucket: String) throws -> [ObjectTag] {
        guard let stored = try records.load(.tagging, bucket: bucket) else { return [] }
        return try TaggingXML.parse(stored)
    }
}
