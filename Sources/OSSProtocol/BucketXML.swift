/// The bucket owner as OSS reports it (`Owner{ID, DisplayName}`).
public struct Owner: Sendable, Equatable {
    public var id: String
    public var displayName: String

    public init(id: String, displayName: String? = nil) {
        self.id = id
        self.displayName = displayName ?? id
    }
}

/// Canned bucket ACLs (`x-oss-acl`).
public enum BucketACL: String, Sendable, Equatable, Codable, CaseIterable {
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"

    /// Parses an `x-oss-acl` value; anything else is 400 InvalidArgument.
    public static func parse(_ value: String) throws(OSSError) -> BucketACL {
        guard let acl = BucketACL(rawValue: value) else {
            throw .invalidArgument("no such bucket access control exists", name: "x-oss-acl", value: value)
        }
        return acl
    }
}

/// What ListBuckets and GetBucketInfo say about one bucket.
public struct BucketSummary: Sendable, Equatable {
    public var name: String
    public var creationDate: Int64
    /// e.g. `oss-cn-hangzhou`
    public var location: String
    /// e.g. `cn-hangzhou`
    public var region: String
    public var storageClass: String
    public var extranetEndpoint: String
    public var intranetEndpoint: String
    public var dataRedundancyType: String
    /// Reported by ListBuckets and GetBucketInfo; nil leaves the element out.
    public var resourceGroupId: String?

    public init(name: String, creationDate: Int64, location: String = "oss-cn-hangzhou", region: String = "cn-hangzhou",
                storageClass: String = "Standard", extranetEndpoint: String, intranetEndpoint: String? = nil,
                dataRedundancyType: String = "LRS", resourceGroupId: String? = nil) {
        self.dataRedundancyType = dataRedundancyType
        self.resourceGroupId = resourceGroupId
        self.name = name
        self.creationDate = creationDate
        self.location = location
        self.region = region
        self.storageClass = storageClass
        self.extranetEndpoint = extranetEndpoint
        self.intranetEndpoint = intranetEndpoint ?? extranetEndpoint
    }
}

/// Paging fields of ListBuckets, echoed only when the request used them
/// (Go parses `MaxKeys` as an integer, so it must never be empty).
public struct BucketListPage: Sendable, Equatable {
    public var prefix: String
    public var marker: String
    public var maxKeys: Int
    public var isTruncated: Bool
    public var nextMarker: String?

    public init(prefix: String, marker: String, maxKeys: Int, isTruncated: Bool, nextMarker: String? = nil) {
        self.prefix = prefix
        self.marker = marker
        self.maxKeys = maxKeys
        self.isTruncated = isTruncated
        self.nextMarker = nextMarker
    }
}

/// Service- and bucket-level response bodies (spec §8; elements oss2 requires).
public enum BucketXML {
    /// `GET /` → ListAllMyBucketsResult.
    public static func listBuckets(owner: Owner, buckets: [BucketSummary], page: BucketListPage? = nil) -> [UInt8] {
        var w = XMLWriter(root: "ListAllMyBucketsResult")
        if let page {
            w.element("Prefix", page.prefix)
            w.element("Marker", page.marker)
            w.element("MaxKeys", page.maxKeys)
            w.element("IsTruncated", page.isTruncated)
            if page.isTruncated, let next = page.nextMarker { w.element("NextMarker", next) }
        }
        writeOwner(owner, to: &w)
        w.open("Buckets")
        for bucket in buckets {
            w.open("Bucket")
            w.element("CreationDate", OSSTime.iso8601(bucket.creationDate))
            w.element("ExtranetEndpoint", bucket.extranetEndpoint)
            w.element("IntranetEndpoint", bucket.intranetEndpoint)
            w.element("Location", bucket.location)
            w.element("Name", bucket.name)
            w.element("Region", bucket.region)
            w.element("StorageClass", bucket.storageClass)
            if let group = bucket.resourceGroupId { w.element("ResourceGroupId", group) }
            w.close()
        }
        w.close()
        return w.finish()
    }

    /// `GET /?bucketInfo` → BucketInfo/Bucket with every element oss2's `get_bucket_info` reads.
    public static func bucketInfo(
        _ bucket: BucketSummary, owner: Owner, acl: BucketACL, encryption: BucketEncryptionSummary? = nil
    ) -> [UInt8] {
        var w = XMLWriter(root: "BucketInfo")
        w.open("Bucket")
        w.element("AccessMonitor", "Disabled")
        w.element("CreationDate", OSSTime.iso8601(bucket.creationDate))
        w.element("ExtranetEndpoint", bucket.extranetEndpoint)
        w.element("IntranetEndpoint", bucket.intranetEndpoint)
        w.element("Location", bucket.location)
        w.element("Region", bucket.region)
        w.element("StorageClass", bucket.storageClass)
        w.element("TransferAcceleration", "Disabled")
        w.element("CrossRegionReplication", "Disabled")
        w.element("DataRedundancyType", bucket.dataRedundancyType)
        w.element("Name", bucket.name)
        if let group = bucket.resourceGroupId { w.element("ResourceGroupId", group) }
        // No Versioning element: OSS leaves it out for a bucket whose versioning was never set.
        writeOwner(owner, to: &w)
        w.open("AccessControlList")
        w.element("Grant", acl.rawValue)
        w.close()
        w.element("Comment", "")
        w.open("ServerSideEncryptionRule")
        w.element("SSEAlgorithm", encryption?.algorithm ?? "None")
        if let keyId = encryption?.kmsMasterKeyId { w.element("KMSMasterKeyID", keyId) }
        if let data = encryption?.kmsDataEncryption { w.element("KMSDataEncryption", data) }
        w.close()
        w.close()
        return w.finish()
    }

    /// `GET /?acl` → AccessControlPolicy.
    public static func accessControlPolicy(owner: Owner, acl: BucketACL) -> [UInt8] {
        var w = XMLWriter(root: "AccessControlPolicy")
        writeOwner(owner, to: &w)
        w.open("AccessControlList")
        w.element("Grant", acl.rawValue)
        w.close()
        return w.finish()
    }

    /// `GET /?location` → `<LocationConstraint>oss-cn-hangzhou</LocationConstraint>`.
    public static func location(_ location: String) -> [UInt8] {
        var bytes = Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8) + [UInt8(ascii: "\n")]
        bytes += Array("<LocationConstraint>".utf8)
        XMLWriter.appendEscaped(location, to: &bytes)
        bytes += Array("</LocationConstraint>".utf8)
        return bytes
    }

    static func writeOwner(_ owner: Owner, to w: inout XMLWriter) {
        w.open("Owner")
        w.element("ID", owner.id)
        w.element("DisplayName", owner.displayName)
        w.close()
    }
}

/// The optional body of PutBucket.
public struct CreateBucketConfiguration: Sendable, Equatable {
    public static let storageClasses: Set<String> = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"]
    public static let redundancyTypes: Set<String> = ["LRS", "ZRS"]

    public var storageClass: String
    public var dataRedundancyType: String

    public init(storageClass: String = "Standard", dataRedundancyType: String = "LRS") {
        self.storageClass = storageClass
        self.dataRedundancyType = dataRedundancyType
    }

    /// An empty body gives the defaults; empty elements count as absent.
    public static func parse(_ body: [UInt8]) throws(OSSError) -> CreateBucketConfiguration {
        var config = CreateBucketConfiguration()
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return config }
        let root = try XMLDocument.parse(body)
        guard root.name == "CreateBucketConfiguration" else {
            throw .malformedXML("root element must be CreateBucketConfiguration, not \(root.name)")
        }
        if let storageClass = root.text(of: "StorageClass"), !storageClass.isEmpty {
            guard storageClasses.contains(storageClass) else {
                throw .invalidArgument("Invalid storage class.", name: "StorageClass", value: storageClass)
            }
            config.storageClass = storageClass
        }
        if let redundancy = root.text(of: "DataRedundancyType"), !redundancy.isEmpty {
            guard redundancyTypes.contains(redundancy) else {
                throw .invalidArgument("Invalid data redundancy type.", name: "DataRedundancyType", value: redundancy)
            }
            config.dataRedundancyType = redundancy
        }
        return config
    }
}

/// A bucket's default encryption as GetBucketInfo reports it.
public struct BucketEncryptionSummary: Sendable, Equatable {
    public var algorithm: String
    public var kmsMasterKeyId: String?
    public var kmsDataEncryption: String?

    public init(algorithm: String, kmsMasterKeyId: String? = nil, kmsDataEncryption: String? = nil) {
        self.algorithm = algorithm
        self.kmsMasterKeyId = kmsMasterKeyId
        self.kmsDataEncryption = kmsDataEncryption
    }
}
