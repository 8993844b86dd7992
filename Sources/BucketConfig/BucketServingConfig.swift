import Locking
import OSSProtocol
import Storage

/// What a bucket is configured to do when it serves requests: CORS rules,
/// hotlink protection, static website, default encryption.
public struct BucketServingSettings: Sendable, Equatable {
    public var cors: CORSConfiguration?
    public var referer: RefererConfiguration?
    public var website: WebsiteConfiguration?
    public var encryption: EncryptionRule?

    public init(cors: CORSConfiguration? = nil, referer: RefererConfiguration? = nil,
                website: WebsiteConfiguration? = nil, encryption: EncryptionRule? = nil) {
        self.cors = cors
        self.referer = referer
        self.website = website
        self.encryption = encryption
    }
}

/// The settings of every bucket, kept as state records of the object store
/// (one record per family, holding the document GetBucket* answers), so
/// they survive a restart and go with their bucket. Reads come from a cache
/// that is reloaded when the bucket it was read for is no longer the one of
/// that name: another creation date, or (deleted and made again within the
/// same second) settings cached but no records left on disk.
public final class BucketServingConfig: Sendable {
    public static let namespace = "bucket-serving"

    enum Family: String, CaseIterable {
        case cors, referer, website, encryption
    }

    let store: ObjectStore
    private struct Entry {
        var creationDate: Int64
        var settings: BucketServingSettings
    }
    private let cache = Locked<[String: Entry]>([:])

    public init(store: ObjectStore) {
        self.store = store
    }

    /// The bucket's settings; all absent for a bucket that does not exist.
    public func settings(_ bucket: String) -> BucketServingSettings {
        guard let info = store.bucket(bucket) else { return BucketServingSettings() }
        return cache.withLock { table in
            if let entry = table[bucket], entry.creationDate == info.creationDate,
               entry.settings == BucketServingSettings() || store.hasRecords(namespace: Self.namespace, bucket: bucket) {
                return entry.settings
            }
            let settings = load(bucket)
            table[bucket] = Entry(creationDate: info.creationDate, settings: settings)
            return settings
        }
    }

    public func setCORS(_ value: CORSConfiguration?, bucket: String) throws {
        try update(bucket, .cors, value?.document()) { $0.cors = value }
    }

    public func setReferer(_ value: RefererConfiguration?, bucket: String) throws {
        try update(bucket, .referer, value?.document()) { $0.referer = value }
    }

    public func setWebsite(_ value: WebsiteConfiguration?, bucket: String) throws {
        try update(bucket, .website, value?.document()) { $0.website = value }
    }

    public func setEncryption(_ value: EncryptionRule?, bucket: String) throws {
        try update(bucket, .encryption, value?.document()) { $0.encryption = value }
    }

    /// Writes (or, for nil, deletes) the family's record, then the cache, under one lock.
    private func update(_ bucket: String, _ family: Family, _ document: [UInt8]?,
                        _ change: (inout BucketServingSettings) -> Void) throws {
        guard let info = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        try cache.withLock { table in
            // From disk, not the cache: the bucket may be a new one of the same name.
            var settings = load(bucket)
            if let document {
                try store.saveRecord(namespace: Self.namespace, bucket: bucket, name: family.rawValue, bytes: document)
            } else {
                try store.deleteRecord(namespace: Self.namespace, bucket: bucket, name: family.rawValue)
            }
            change(&settings)
            table[bucket] = Entry(creationDate: info.creationDate, settings: settings)
        }
    }

    /// Reads the records; one that no longer parses is skipped rather than
    /// making the bucket unusable.
    private func load(_ bucket: String) -> BucketServingSettings {
        var settings = BucketServingSettings()
        guard let records = try? store.loadRecords(namespace: Self.namespace, bucket: bucket) else { return settings }
        for record in records {
            switch Family(rawValue: record.name) {
            case .cors: settings.cors = try? CORSConfiguration.parse(record.bytes)
            case .referer: settings.referer = try? RefererConfiguration.parse(record.bytes)
            case .website: settings.website = try? WebsiteConfiguration.parse(record.bytes)
            case .encryption: settings.encryption = try? EncryptionRule.parse(record.bytes)
            case nil: continue
            }
        }
        return settings
    }
}
