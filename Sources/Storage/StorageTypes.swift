/// Canned ACLs a bucket can carry (OSS `x-oss-acl`).
public enum BucketACL: String, Sendable, Codable, CaseIterable {
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"
}

public struct BucketInfo: Sendable, Equatable {
    public var name: String
    /// Epoch seconds.
    public var creationDate: Int64
    public var acl: BucketACL
    /// The class new objects take when a write names none (fixed at creation, as in OSS).
    public var storageClass: String
    /// `LRS` or `ZRS`, as given at creation (recorded only: there is one copy).
    public var dataRedundancyType: String
    /// The resource group given at creation (`x-oss-resource-group-id`), else the default one.
    public var resourceGroupId: String

    /// OSS puts a bucket created without `x-oss-resource-group-id` in the account's default group.
    public static let defaultResourceGroupId = "rg-default-id"

    public init(name: String, creationDate: Int64, acl: BucketACL, storageClass: String = "Standard",
                dataRedundancyType: String = "LRS", resourceGroupId: String = BucketInfo.defaultResourceGroupId) {
        self.name = name
        self.creationDate = creationDate
        self.acl = acl
        self.storageClass = storageClass
        self.dataRedundancyType = dataRedundancyType
        self.resourceGroupId = resourceGroupId
    }
}

public struct ObjectMetadata: Sendable, Equatable, Codable {
    public var contentType: String
    /// `x-oss-meta-*` headers: names lower-cased, without the prefix.
    public var userMetadata: [String: String]
    public var cacheControl: String?
    public var contentDisposition: String?
    public var contentEncoding: String?
    public var expires: String?
    /// Internal attributes, never served as headers (e.g. the VOD segment index:
    /// start time, duration, push id), kept with the object so they vanish with it.
    public var attributes: [String: String]

    public init(
        contentType: String = "application/octet-stream",
        userMetadata: [String: String] = [:],
        cacheControl: String? = nil,
        contentDisposition: String? = nil,
        contentEncoding: String? = nil,
        expires: String? = nil,
        attributes: [String: String] = [:]
    ) {
        self.contentType = contentType
        self.userMetadata = userMetadata
        self.cacheControl = cacheControl
        self.contentDisposition = contentDisposition
        self.contentEncoding = contentEncoding
        self.expires = expires
        self.attributes = attributes
    }
}

public struct ObjectInfo: Sendable, Equatable {
    public var key: String
    public var size: Int64
    /// Upper-case hex MD5 of the content, without quotes.
    public var etag: String
    /// Epoch milliseconds.
    public var lastModified: Int64
    /// CRC-64/XZ of the content, as in `x-oss-hash-crc64ecma`.
    public var crc64: UInt64
    public var metadata: ObjectMetadata

    /// MD5 of the content (whatever the ETag says), 16 bytes.
    public var contentMD5: [UInt8]

    public init(
        key: String, size: Int64, etag: String, lastModified: Int64, crc64: UInt64, metadata: ObjectMetadata,
        contentMD5: [UInt8] = []
    ) {
        self.contentMD5 = contentMD5
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.crc64 = crc64
        self.metadata = metadata
    }
}

public struct ObjectListing: Sendable, Equatable {
    public var objects: [ObjectInfo]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// The last key or common prefix returned, set only when `isTruncated`
    /// (the value to pass as the next marker).
    public var nextMarker: String?

    public init(objects: [ObjectInfo] = [], commonPrefixes: [String] = [], isTruncated: Bool = false, nextMarker: String? = nil) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextMarker = nextMarker
    }
}

public enum StorageError: Error, Sendable, Equatable {
    case noSuchBucket(String)
    case bucketAlreadyExists(String)
    case bucketNotEmpty(String)
    case noSuchKey(String)
    case invalidKey(String)
    case invalidBucketName(String)
    /// A file-system failure; the text names the operation, the path and errno's message.
    case io(String)
}

/// Decides, under the bucket's lock, whether a write may replace the object
/// there now (nil: there is none); it throws to refuse.
public typealias ReplaceCheck = @Sendable (ObjectInfo?) throws -> Void

/// What `openObjectContent` gives: a small object's bytes, or an open
/// descriptor (the caller closes it).
public enum ObjectContent: Sendable {
    case bytes([UInt8])
    case descriptor(Int32)
}
