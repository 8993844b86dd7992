import OSSProtocol
import Storage

/// Applies every bucket's lifecycle rules to what the store holds at a given
/// time: expired objects are deleted, due transitions change the stored
/// storage class (Last-Modified unchanged, as in OSS), due multipart uploads
/// are aborted.
public struct LifecycleSweep: Sendable {
    /// Objects are read from the index in pages of this many keys.
    public static let pageSize = 1000

    public struct Outcome: Sendable, Equatable {
        public var bucket: String
        public var expired = 0
        public var transitioned = 0
        public var aborted = 0

        public init(bucket: String, expired: Int = 0, transitioned: Int = 0, aborted: Int = 0) {
            self.bucket = bucket
            self.expired = expired
            self.transitioned = transitioned
            self.aborted = aborted
        }
    }

    let store: ObjectStore
    let records: BucketConfigRecords

    public init(store: ObjectStore) {
        self.store = store
        self.records = BucketConfigRecords(store: store)
    }

    /// Sweeps one bucket (nil: all), at `now` (epoch milliseconds); one
    /// outcome per bucket that has lifecycle rules, in name order.
    public func run(bucket: String? = nil, now: Int64) throws -> [Outcome] {
        let names = bucket.map { [$0] } ?? store.listBuckets().map(\.name)
        var outcomes: [Outcome] = []
        for name in names {
            guard let bytes = try records.load(.lifecycle, bucket: name) else { continue }
            // Stored documents were validated when put; overlaps were allowed then or absent.
            let configuration = try LifecycleXML.parse(bytes, allowOverlap: true)
            outcomes.append(try sweep(name, planner: LifecyclePlanner(configuration), now: now))
        }
        return outcomes
    }

    func sweep(_ bucket: String, planner: LifecyclePlanner, now: Int64) throws -> Outcome {
        var outcome = Outcome(bucket: bucket)
        var marker: String?
        repeat {
            let page = try store.listObjects(bucket: bucket, prefix: "", after: marker, delimiter: nil, maxKeys: Self.pageSize, etags: false)
            for info in page.objects {
                let object = LifecyclePlanner.Object(
                    key: info.key, lastModified: info.lastModified, size: info.size, storageClass: info.metadata.storageClass,
                    tags: planner.needsTags ? Self.tags(ofQuery: info.metadata.taggingQuery) : [])
                switch planner.action(for: object, now: now) {
                case .expire:
                    // Only the version that was judged: a newer write since the listing stays.
                    guard (try? store.objectInfo(bucket: bucket, key: info.key, etag: false))?.lastModified == info.lastModified else { continue }
                    try store.deleteObject(bucket: bucket, key: info.key)
                    outcome.expired += 1
                case .transition(let storageClass):
                    try store.updateMetadata(bucket: bucket, key: info.key) { $0.storageClass = storageClass }
                    outcome.transitioned += 1
                case nil:
                    continue
                }
            }
            marker = page.isTruncated ? page.nextMarker : nil
        } while marker != nil
        for upload in try store.listMultipartUploads(bucket: bucket)
        where planner.abortsUpload(key: upload.key, initiated: upload.initiated, now: now) {
            try store.abortMultipartUpload(bucket: bucket, key: upload.key, uploadId: upload.uploadId)
            outcome.aborted += 1
        }
        return outcome
    }

    /// Tags stored as the `x-oss-tagging` form (`k1=v1&k2=v2`, URL-encoded).
    static func tags(ofQuery query: String?) -> [ObjectTag] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").compactMap { part in
            let fields = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = PercentEncoding.decode(fields[0]) else { return nil }
            let value = fields.count == 2 ? PercentEncoding.decode(fields[1]) : ""
            return value.map { ObjectTag(key: key, value: $0) }
        }
    }
}
