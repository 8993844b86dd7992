/// How an object came to be, as OSS reports it in `x-oss-object-type` and
/// listings' `<Type>`.
public enum ObjectType: String, Sendable, CaseIterable {
    case normal = "Normal"
    case multipart = "Multipart"
    case appendable = "Appendable"
    case symlink = "Symlink"
}

/// OSS properties of an object beyond its bytes and HTTP metadata: object
/// type, an ETag that is not the content MD5 (multipart, appendable), the
/// object ACL, tags, storage class, symlink target and restore state.
///
/// They live in `attributes` under names starting with `oss.`, so they are
/// journaled, survive a restart and vanish with the object like every other
/// attribute, and an older journal reads as "all defaults". A property at its
/// default value is absent, so plain objects keep the empty metadata blob.
extension ObjectMetadata {
    public enum Attribute {
        public static let objectType = "oss.type"
        public static let etag = "oss.etag"
        public static let acl = "oss.acl"
        public static let tagging = "oss.tagging"
        public static let storageClass = "oss.storage-class"
        public static let symlinkTarget = "oss.symlink-target"
        public static let restore = "oss.restore"
        public static let sequential = "oss.sequential"
        public static let serverSideEncryption = "oss.sse"
        public static let serverSideEncryptionKeyId = "oss.sse-key-id"
        public static let serverSideDataEncryption = "oss.sse-data"
    }

    public static let standardStorageClass = "Standard"

    public var objectType: ObjectType {
        get { attributes[Attribute.objectType].flatMap(ObjectType.init(rawValue:)) ?? .normal }
        set { attributes[Attribute.objectType] = newValue == .normal ? nil : newValue.rawValue }
    }

    /// The ETag to report instead of the content MD5 (e.g. `<HEX>-<parts>`
    /// for a multipart object), without quotes.
    public var etagOverride: String? {
        get { attributes[Attribute.etag] }
        set { attributes[Attribute.etag] = newValue }
    }

    /// The object's own canned ACL (`private`, `public-read`,
    /// `public-read-write`); nil is `default`: the bucket's ACL applies.
    public var objectACL: String? {
        get { attributes[Attribute.acl] }
        set { attributes[Attribute.acl] = newValue == "default" ? nil : newValue }
    }

    /// The object's tags, encoded as OSS's `x-oss-tagging` header value
    /// (`k1=v1&k2=v2`, URL-encoded); nil when it has none.
    public var taggingQuery: String? {
        get { attributes[Attribute.tagging] }
        set { attributes[Attribute.tagging] = newValue?.isEmpty == true ? nil : newValue }
    }

    public var storageClass: String {
        get { attributes[Attribute.storageClass] ?? Self.standardStorageClass }
        set { attributes[Attribute.storageClass] = newValue == Self.standardStorageClass ? nil : newValue }
    }

    /// The key a symlink object points to (same bucket).
    public var symlinkTarget: String? {
        get { attributes[Attribute.symlinkTarget] }
        set { attributes[Attribute.symlinkTarget] = newValue }
    }

    /// Whether GET and HEAD announce the content's MD5 (`Content-MD5`): for
    /// objects written whole, and for multipart uploads initiated with
    /// `?sequential`, as OSS does; appendable objects change too often.
    public var announcesContentMD5: Bool {
        switch objectType {
        case .normal: return true
        case .multipart: return attributes[Attribute.sequential] != nil
        case .appendable, .symlink: return false
        }
    }

    /// `x-oss-server-side-encryption` as written (`AES256`, `KMS`, `SM4`);
    /// recorded and reported only, the bytes are not encrypted at rest.
    public var serverSideEncryption: String? {
        get { attributes[Attribute.serverSideEncryption] }
        set { attributes[Attribute.serverSideEncryption] = newValue }
    }

    /// The CMK of an SSE-KMS object as the write named it; nil for the account's default key.
    public var serverSideEncryptionKeyId: String? {
        get { attributes[Attribute.serverSideEncryptionKeyId] }
        set { attributes[Attribute.serverSideEncryptionKeyId] = newValue }
    }

    /// The data cipher of an SSE-KMS object (`x-oss-server-side-data-encryption`, `SM4`); nil for AES-256.
    public var serverSideDataEncryption: String? {
        get { attributes[Attribute.serverSideDataEncryption] }
        set { attributes[Attribute.serverSideDataEncryption] = newValue }
    }

    /// The OSS properties a copy or a metadata update keeps, without the
    /// other internal attributes (a copied segment is not a segment).
    public var ossAttributes: [String: String] {
        attributes.filter { $0.key.hasPrefix("oss.") }
    }
}

extension ObjectInfo {
    public var objectType: ObjectType { metadata.objectType }
    public var storageClass: String { metadata.storageClass }
}
