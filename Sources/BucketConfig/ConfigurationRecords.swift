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

    /// `load`, from memory after the first read (see `ObjectStore.cachedRecords`):
    /// for settings consulted on every request.
    public func loadCached(_ name: Name, bucket: String) throws -> [UInt8]? {
        try store.cachedRecords(namespace: Self.namespace, bucket: bucket).first { $0.name == name.rawValue }?.bytes
    }

    public func save(_ name: Name, bucket: String, bytes: [UInt8]) throws {
        try store.saveRecord(namespace: Self.namespace, bucket: bucket, name: name.rawValue, bytes: bytes)
    }

    public func delete(_ name: Name, bucket: String) throws {
        try store.deleteRecord(namespace: Self.namespace, bucket: bucket, name: name.rawValue)
    }
}
