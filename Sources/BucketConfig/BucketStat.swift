import OSSProtocol
import Storage

/// GetBucketStat, computed from what the bucket holds when asked (OSS
/// refreshes its figures about hourly; here they are always current).
public struct BucketStat: Sendable, Equatable {
    /// OSS bills IA and the archive classes at least 64 KB per object; the
    /// `…Storage` figures of those classes count that, `…RealStorage` the bytes.
    public static let minimumBilledBytes: Int64 = 64 * 1024

    public struct ClassFigures: Sendable, Equatable {
        public var storage: Int64 = 0
        public var realStorage: Int64 = 0
        public var objectCount = 0
    }

    public var storage: Int64 = 0
    public var objectCount = 0
    public var multipartUploadCount = 0
    public var multipartPartCount = 0
    public var liveChannelCount = 0
    /// Epoch seconds of the figures.
    public var lastModifiedTime: Int64 = 0
    /// By storage class name (`StorageClassOrder.classes`).
    public var classes: [String: ClassFigures] = [:]

    public static func collect(store: ObjectStore, bucket: String, liveChannels: Int, now: Int64) throws -> BucketStat {
        var stat = BucketStat(liveChannelCount: liveChannels, lastModifiedTime: now / 1000)
        var marker: String?
        repeat {
            let page = try store.listObjects(bucket: bucket, prefix: "", after: marker, delimiter: nil, maxKeys: LifecycleSweep.pageSize, etags: false)
            for object in page.objects {
                let storageClass = object.metadata.storageClass
                stat.storage += object.size
                stat.objectCount += 1
                var figures = stat.classes[storageClass] ?? ClassFigures()
                figures.objectCount += 1
                figures.realStorage += object.size
                figures.storage += storageClass == ObjectMetadata.standardStorageClass ? object.size : max(object.size, minimumBilledBytes)
                stat.classes[storageClass] = figures
            }
            marker = page.isTruncated ? page.nextMarker : nil
        } while marker != nil
        for upload in try store.listMultipartUploads(bucket: bucket) {
            stat.multipartUploadCount += 1
            stat.multipartPartCount += (try? store.listParts(bucket: bucket, key: upload.key, uploadId: upload.uploadId).parts.count) ?? 0
        }
        return stat
    }

    /// `BucketStat` with every element oss2's `get_bucket_stat` reads.
    public func document() -> [UInt8] {
        var w = XMLWriter(root: "BucketStat")
        w.element("Storage", storage)
        w.element("ObjectCount", objectCount)
        w.element("MultipartUploadCount", multipartUploadCount)
        w.element("LiveChannelCount", liveChannelCount)
        w.element("LastModifiedTime", lastModifiedTime)
        let standard = classes["Standard"] ?? ClassFigures()
        w.element("StandardStorage", standard.storage)
        w.element("StandardObjectCount", standard.objectCount)
        for (name, element) in [("IA", "InfrequentAccess"), ("Archive", "Archive"), ("ColdArchive", "ColdArchive"),
                                ("DeepColdArchive", "DeepColdArchive")] {
            let figures = classes[name] ?? ClassFigures()
            w.element(element + "Storage", figures.storage)
            w.element(element + "RealStorage", figures.realStorage)
            w.element(element + "ObjectCount", figures.objectCount)
        }
        w.element("MultipartPartCount", multipartPartCount)
        w.element("DeleteMarkerCount", 0)
        return w.finish()
    }
}
