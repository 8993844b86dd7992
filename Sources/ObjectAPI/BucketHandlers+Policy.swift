import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Put/Get/DeleteBucketPolicy: the JSON is checked, stored and returned as sent.
extension BucketHandlers {
    func putPolicy(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let body = try requestBody(context, limit: BucketPolicy.maxBytes)
        _ = try BucketPolicy.parse(body)
        try records.save(.policy, bucket: bucket, bytes: body)
        return context.respond.response()
    }

    func getPolicy(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        guard let stored = try records.load(.policy, bucket: bucket) else { throw OSSError.noSuchBucketPolicy(bucket) }
        return context.respond.response(headers: ["Content-Type": "application/json"], body: .bytes(stored))
    }
}
