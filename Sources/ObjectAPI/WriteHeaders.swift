import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Headers that PutObject, AppendObject, CopyObject (REPLACE) and
/// InitiateMultipartUpload share: `x-oss-tagging`, `x-oss-storage-class` and
/// `x-oss-object-acl`, validated as OSS does and stored with the object.
enum WriteHeaders {
    /// OSS's limit on an object's user metadata: the `x-oss-meta-*` header
    /// names (prefix included) and values of one request, in bytes.
    static let maxUserMetadataBytes = 8 * 1024

    /// Conditional request headers, which PutObject refuses (400 NotImplemented).
    static let conditionalHeaders = ["If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"]

    /// `x-oss-forbid-overwrite: true`.
    static func forbidsOverwrite(_ headers: HTTPHeaders) -> Bool {
        headers["x-oss-forbid-overwrite"]?.lowercased() == "true"
    }

    /// The check a write passes to the store for `x-oss-forbid-overwrite`:
    /// 409 FileAlreadyExists when the key holds an object, decided under the
    /// bucket's lock; nil when the header does not forbid it.
    static func overwriteCheck(_ headers: HTTPHeaders) -> ReplaceCheck? {
        guard forbidsOverwrite(headers) else { return nil }
        return { existing in
            if existing != nil { throw OSSError.fileAlreadyExists }
        }
    }

    /// Applies the OSS write properties in `headers` to `metadata`.
    static func apply(_ headers: HTTPHeaders, to metadata: inout ObjectMetadata, encryptionDefault: EncryptionRule? = nil) throws {
        if let tagging = headers["x-oss-tagging"] {
            metadata.taggingQuery = try ObjectTags.canonicalQuery(header: tagging)
        }
        if let storageClass = headers["x-oss-storage-class"] {
            metadata.storageClass = try StorageClass.parse(storageClass)
        }
        if let acl = headers["x-oss-object-acl"] {
            metadata.objectACL = try ObjectACL.parse(acl)
        }
        try ServerSideEncryption.apply(headers, to: &metadata, bucketDefault: encryptionDefault)
    }
}

/// `x-oss-server-side-encryption` (with `-key-id` and
/// `x-oss-server-side-data-encryption` for KMS): validated, stored and
/// echoed; a write without it takes its bucket's default encryption.
/// Objects are not encrypted at rest.
enum ServerSideEncryption {
    static let algorithms = EncryptionRule.algorithms
    static let algorithmHeader = "x-oss-server-side-encryption"
    static let keyIdHeader = "x-oss-server-side-encryption-key-id"
    static let dataHeader = "x-oss-server-side-data-encryption"

    /// The encryption the headers name, nil when they name none.
    static func requested(_ headers: HTTPHeaders) throws -> EncryptionRule? {
        let keyId = headers[keyIdHeader]
        guard let algorithm = headers[algorithmHeader] else {
            if let keyId {
                throw OSSError.invalidArgument(
                    "x-oss-server-side-encryption-key-id needs x-oss-server-side-encryption: KMS.",
                    name: keyIdHeader, value: keyId)
            }
            return nil
        }
        guard algorithms.contains(algorithm) else { throw EncryptionRule.invalidAlgorithm }
        if let keyId, algorithm != "KMS" || keyId.isEmpty {
            throw OSSError.invalidArgument(
                "x-oss-server-side-encryption-key-id is only valid with x-oss-server-side-encryption: KMS.",
                name: keyIdHeader, value: keyId)
        }
        let data = headers[dataHeader]
        if algorithm == "KMS", let data, !EncryptionRule.dataAlgorithms.contains(data) {
            throw OSSError.invalidArgument("x-oss-server-side-data-encryption must be SM4.", name: dataHeader, value: data)
        }
        // The data cipher counts for KMS only; OSS ignores it with AES256 and SM4.
        return EncryptionRule(algorithm: algorithm, kmsMasterKeyId: keyId, kmsDataEncryption: data)
    }

    static func apply(_ headers: HTTPHeaders, to metadata: inout ObjectMetadata, bucketDefault: EncryptionRule? = nil) throws {
        guard let rule = try requested(headers) ?? bucketDefault else { return }
        metadata.serverSideEncryption = rule.algorithm
        metadata.serverSideEncryptionKeyId = rule.kmsMasterKeyId
        metadata.serverSideDataEncryption = rule.kmsDataEncryption
    }

    /// Refuses encryption headers where OSS does (UploadPart, CompleteMultipartUpload:
    /// the upload's encryption was fixed when it was initiated).
    static func refuse(_ headers: HTTPHeaders) throws {
        for name in [algorithmHeader, keyIdHeader, dataHeader] {
            if let value = headers[name] {
                throw OSSError.invalidArgument("\(name) is not allowed in this request.", name: name, value: value)
            }
        }
    }

    /// The answer headers of an object written with SSE.
    static func addHeaders(_ headers: inout HTTPHeaders, metadata: ObjectMetadata, defaultKeyId: String) {
        guard let algorithm = metadata.serverSideEncryption else { return }
        headers.add(algorithmHeader, algorithm)
        if algorithm == "KMS" {
            headers.add(keyIdHeader, metadata.serverSideEncryptionKeyId ?? defaultKeyId)
            if let data = metadata.serverSideDataEncryption { headers.add(dataHeader, data) }
        }
    }
}

/// OSS storage classes.
enum StorageClass {
    static let all = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"]
    /// Classes whose objects must be restored before they can be read.
    static let needsRestore: Set<String> = ["Archive", "ColdArchive", "DeepColdArchive"]

    static func parse(_ value: String) throws -> String {
        guard let match = all.first(where: { $0.lowercased() == value.lowercased() }) else {
            throw OSSError.invalidArgument(
                "Invalid storage class: \(value).", name: "x-oss-storage-class", value: value)
        }
        return match
    }
}

/// Object ACLs: the bucket's three canned ACLs and `default` (inherit).
enum ObjectACL {
    static func parse(_ value: String) throws -> String {
        guard value == "default" || OSSProtocol.BucketACL(rawValue: value) != nil else {
            throw OSSError.invalidArgument("no such object access control exists", name: "x-oss-object-acl", value: value)
        }
        return value
    }
}
