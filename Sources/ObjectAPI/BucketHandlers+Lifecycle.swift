import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Put/Get/DeleteBucketLifecycle. The rules run in `LifecycleSweep`.
extension BucketHandlers {
    func putLifecycle(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let allowOverlap = context.headers["x-oss-allow-same-action-overlap"]?.lowercased() == "true"
        let configuration = try LifecycleXML.parse(try requestBody(context), allowOverlap: allowOverlap)
        try records.save(.lifecycle, bucket: bucket, bytes: LifecycleXML.document(configuration))
        return context.respond.response()
    }

    func getLifecycle(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        guard let stored = try records.load(.lifecycle, bucket: bucket) else { throw OSSError.noSuchLifecycle(bucket) }
        return context.respond.xml(stored)
    }
}
