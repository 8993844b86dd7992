import Storage

/// Where the bucket's lifecycle, tagging, logging, policy and capacity
/// settings live: one state record each under
/// `.oss/bucket-config/<bucket>/<name>`, replaced atomically, removed with the
/// bucket. Each is kept in the form the Get operation answers with.
public struct BucketConfigRecords: Sendable {
    public static let namespace = "bucket-config"

    public enum Name: String, Sendable, CaseIterable {
        case lifecycle, tagging, logging, policy, capacity
    }

    let store: ObjectStore

    public init(store: ObjectStore) {
        self.store = store
    }

    /// The stored bytes; nil when the setting was never made (or was deleted).
    public func load(_ name: Name, bucket: String) throws -> [UInt8]? {
        try store.loadRecords(namespace: Self.namespace, bucket: bucket).first { $0.name == name.rawValue }?.bytes
    }

    /// The bucket's policy, parsed, from memory after the first read (see
    /// `ObjectStore.cachedRecordValue`): it is consulted on every anonymous
    /// request. Nil when there is none or the stored document cannot be read.
    public func cachedPolicy(bucket: String) -> BucketPolicy? {
        let cached = try? store.cachedRecordValue(namespace: Self.namespace, bucket: bucket) { records in
            CachedPolicy(policy: records.first { $0.name == Name.policy.rawValue }.flatMap { try? BucketPolicy.parse($0.bytes) })
        }
        return cached?.policy
    }

    public func save(_ name: Name, bucket: String, bytes: [UInt8]) throws {
        try store.saveRecord(namespace: Self.namespace, bucket: bucket, name: name.rawValue, bytes: bytes)
    }

    public func delete(_ name: Name, bucket: String) throws {
        try store.deleteRecord(namespace: Self.namespace, bucket: bucket, name: name.rawValue)
    }
}

/// The cached form of a bucket's policy (a type of its own, so the record
/// cache keeps it apart from other decoded values of the namespace).
struct CachedPolicy: Sendable {
    var policy: BucketPolicy?
}
