import BucketConfig
import OSSProtocol
import Storage
import Transport

/// GetBucketStat and Put/GetBucketStorageCapacity (`?qos`).
extension BucketHandlers {
    func getStat(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let stat = try BucketStat.collect(
            store: store, bucket: bucket, liveChannels: dependents.count(bucket: bucket), now: context.nowMilliseconds)
        return context.respond.xml(stat.document())
    }

    func putStorageCapacity(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        let capacity = try StorageCapacity.parse(try requestBody(context))
        try records.save(.capacity, bucket: bucket, bytes: StorageCapacity.document(capacity))
        return context.respond.response()
    }

    func getStorageCapacity(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        _ = try existing(bucket)
        return context.respond.xml(try records.load(.capacity, bucket: bucket) ?? StorageCapacity.document(StorageCapacity.unlimited))
    }
}
