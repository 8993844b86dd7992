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
/// they survive a restart and go with their bucket. Reads come from the
/// store's record cache (`ObjectStore.cachedRecordValue`), parsed once until
/// a record of the bucket changes or the bucket goes.
public final class BucketServingConfig: Sendable {
    public static let namespace = "bucket-serving"

    enum Family: String, CaseIterable {
        case cors, referer, website, encryption
    }

    let store: ObjectStore

    public init(store: ObjectStore) {
        self.store = store
    }

    /// The bucket's settings; all absent for a bucket that does not exist.
    public func settings(_ bucket: String) -> BucketServingSettings {
        (try? store.cachedRecordValue(namespace: Self.namespace, bucket: bucket, decode: Self.decode)) ?? BucketServingSettings()
    }

    public func setCORS(_ value: CORSConfiguration?, bucket: String) throws {
        try update(bucket, .cors, value?.document())
    }

    public func setReferer(_ value: RefererConfiguration?, bucket: String) throws {
        try update(bucket, .referer, value?.document())
    }

    public func setWebsite(_ value: WebsiteConfiguration?, bucket: String) throws {
        try update(bucket, .website, value?.document())
    }

    public func setEncryption(_ value: EncryptionRule?, bucket: String) throws {
        try update(bucket, .encryption, value?.document())
    }

    /// Writes (or, for nil, deletes) the family's record; the store drops
    /// its cached copy.
    private func update(_ bucket: String, _ family: Family, _ document: [UInt8]?) throws {
        guard store.bucket(bucket) != nil else { throw OSSError.noSuchBucket(bucket) }
        if let document {
            try store.saveRecord(namespace: Self.namespace, bucket: bucket, name: family.rawValue, bytes: document)
        } else {
            try store.deleteRecord(namespace: Self.namespace, bucket: bucket, name: family.rawValue)
        }
    }

    /// Parses the records; one that no longer parses is skipped rather than
    /// making the bucket unusable.
    private static func decode(_ records: [(name: String, bytes: [UInt8])]) -> BucketServingSettings {
        var settings = BucketServingSettings()
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
