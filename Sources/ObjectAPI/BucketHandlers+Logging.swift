import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Put/Get/DeleteBucketLogging: the setting is kept; no access logs are written.
extension BucketHandlers {
    func putLogging(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        guard let logging = try BucketLogging.parse(try requestBody(context)) else {
            try records.delete(.logging, bucket: bucket)
            return context.respond.response()
        }
        // OSS requires the target bucket to exist (and to be the same owner's, which every bucket here is).
        guard store.bucket(logging.targetBucket) != nil else {
            throw OSSError.invalidTargetBucketForLogging(logging.targetBucket)
        }
        try records.save(.logging, bucket: bucket, bytes: BucketLogging.document(logging))
        return context.respond.response()
    }

    func getLogging(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        return context.respond.xml(try records.load(.logging, bucket: bucket) ?? BucketLogging.document(nil))
    }
}
