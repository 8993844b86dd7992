import OSSProtocol
import Storage
import Transport

/// CopyObject (PUT with x-oss-copy-source), within and across buckets.
///
/// What the target gets, as OSS documents it:
/// - `x-oss-metadata-directive: COPY` (default): the source's content headers
///   and user metadata; `REPLACE`: those of this request.
/// - OSS properties (object type and ETag, ACL, storage class) follow the
///   source unless this request names them (`x-oss-object-acl`,
///   `x-oss-storage-class`); tags follow `x-oss-tagging-directive` (`Copy`, the
///   default, or `Replace` with `x-oss-tagging`).
/// - A Normal or Multipart source keeps its type and ETag; an Appendable one
///   becomes a Normal object whose ETag is its content MD5. A symlink is
///   copied as a symlink (not the object it points to). A restore of the
///   source does not carry over.
/// - Copying an object onto itself rewrites no bytes: its metadata is
///   replaced (this is oss2's `update_object_meta`) and Last-Modified moves.
extension ObjectHandlers {
    func copy(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        try NameRules.validateObjectKey(key)
        guard store.bucket(bucket) != nil else { throw OSSError.noSuchBucket(bucket) }
        let headers = context.headers
        let source = try CopySource.parse(headers["x-oss-copy-source"] ?? "")
        guard store.bucket(source.bucket) != nil else { throw OSSError.noSuchBucket(source.bucket) }
        let plan = CopyPlan(
            replaceMetadata: try Self.directive(headers, "x-oss-metadata-directive", values: ("COPY", "REPLACE")),
            replaceTags: try Self.directive(headers, "x-oss-tagging-directive", values: ("Copy", "Replace")),
            request: try Self.metadata(from: headers, key: key, encryptionDefault: configs.settings(bucket).encryption),
            setsEncryption: headers[ServerSideEncryption.algorithmHeader] != nil,
            setsStorageClass: headers["x-oss-storage-class"] != nil,
            setsACL: headers["x-oss-object-acl"] != nil)
        let forbidOverwrite = WriteHeaders.forbidsOverwrite(headers)
        let now = context.nowMilliseconds

        // Conditions are answered before anything is written: 412 or 304.
        let sourceInfo = try store.objectInfo(bucket: source.bucket, key: source.key)
        switch try CopySource.checkConditions(headers, source: sourceInfo) {
        case .proceed: break
        case .failed: throw OSSError.preconditionFailed
        case .notModified:
            var notModified: HTTPHeaders = [:]
            notModified.add("ETag", "\"\(sourceInfo.etag)\"")
            return context.respond.response(status: 304, headers: notModified)
        }

        let info: ObjectInfo
        if source.bucket == bucket && source.key == key {
            if forbidOverwrite { throw OSSError.fileAlreadyExists }
            // A new storage class rewrites the bytes, which a frozen object cannot give.
            if plan.setsStorageClass && !Self.isReadable(sourceInfo, now: now) { throw OSSError.invalidObjectState(key) }
            info = try store.updateMetadata(bucket: bucket, key: key, touch: true) { metadata in
                metadata = plan.target(from: metadata, sameObject: true)
            }
        } else {
            let targetMetadata: (ObjectInfo) throws -> ObjectMetadata = { copied in
                // The version actually read must still meet the conditions.
                guard try CopySource.checkConditions(headers, source: copied) == .proceed else {
                    throw OSSError.preconditionFailed
                }
                guard Self.isReadable(copied, now: now) else { throw OSSError.invalidObjectState(source.key) }
                return plan.target(from: copied.metadata, sameObject: false)
            }
            info = try store.copyObject(
                fromBucket: source.bucket, key: source.key, toBucket: bucket, key: key,
                check: WriteHeaders.overwriteCheck(headers), metadata: targetMetadata)
        }
        var responseHeaders: HTTPHeaders = [:]
        responseHeaders.add("ETag", "\"\(info.etag)\"")
        responseHeaders.add("x-oss-hash-crc64ecma", String(info.crc64))
        ServerSideEncryption.addHeaders(&responseHeaders, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        return context.respond.xml(
            CopyObjectXML.result(lastModified: info.lastModified / 1000, etag: info.etag), headers: responseHeaders)
    }

    /// A COPY/REPLACE directive header: absent is COPY (false); the value
    /// is matched without regard to case; anything else is 400 InvalidArgument.
    static func directive(_ headers: HTTPHeaders, _ name: String, values: (copy: String, replace: String)) throws -> Bool {
        guard let value = headers[name] else { return false }
        switch value.lowercased() {
        case values.copy.lowercased(): return false
        case values.replace.lowercased(): return true
        default:
            throw OSSError.invalidArgument(
                "\(name) must be \(values.copy) or \(values.replace).", name: name, value: value)
        }
    }
}

/// How a CopyObject request turns the source's metadata into the target's.
struct CopyPlan {
    var replaceMetadata: Bool
    var replaceTags: Bool
    /// The metadata this request's headers describe (`ObjectHandlers.metadata(from:key:)`).
    var request: ObjectMetadata
    /// Whether the request names an encryption: a copy to a new object is
    /// encrypted as the request (or the target bucket's default) says, never
    /// as its source was; an object copied onto itself keeps its own unless named.
    var setsEncryption: Bool = false
    var setsStorageClass: Bool
    var setsACL: Bool

    func target(from source: ObjectMetadata, sameObject: Bool) -> ObjectMetadata {
        var target = replaceMetadata ? request : source
        // The object's own internal attributes stay with it; a new object
        // takes only the OSS properties (a copied segment is not a segment).
        target.attributes = sameObject ? source.attributes : source.ossAttributes
        if !sameObject {
            target.restore = nil
            if target.objectType == .appendable {
                target.objectType = .normal
                target.etagOverride = nil
            }
        }
        if setsStorageClass { target.storageClass = request.storageClass }
        if setsEncryption || !sameObject {
            target.serverSideEncryption = request.serverSideEncryption
            target.serverSideEncryptionKeyId = request.serverSideEncryptionKeyId
            target.serverSideDataEncryption = request.serverSideDataEncryption
        }
        if setsACL { target.objectACL = request.objectACL }
        target.taggingQuery = replaceTags ? request.taggingQuery : source.taggingQuery
        return target
    }
}
