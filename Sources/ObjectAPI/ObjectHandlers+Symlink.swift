import Digest
import OSSProtocol
import Storage
import Transport

/// PutSymlink and GetSymlink (?symlink), and how GET/HEAD read through a link.
///
/// A symlink is an empty object of type Symlink whose target key (same
/// bucket) is an attribute. As OSS: PutSymlink does not check the target;
/// GET/HEAD follow one level, answering the target's bytes, length, ETag and
/// CRC with the link's own metadata and the later of the two Last-Modified.
extension ObjectHandlers {
    static let symlinkTargetHeader = "x-oss-symlink-target"

    func symlink(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        switch context.method {
        case "PUT": return try putSymlink(context, bucket: bucket, key: key)
        case "GET": return try getSymlink(context, bucket: bucket, key: key)
        default: throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
    }

    private func putSymlink(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        try NameRules.validateObjectKey(key)
        guard let encoded = context.headers[Self.symlinkTargetHeader] else {
            throw OSSError.missingArgument(header: Self.symlinkTargetHeader)
        }
        // The SDKs URL-encode the target (oss2: every byte but unreserved ones).
        guard let target = PercentEncoding.decode(encoded), NameRules.isValidObjectKey(target) else {
            throw OSSError.invalidArgument(
                "The symlink target is not a valid object name.", name: Self.symlinkTargetHeader, value: encoded)
        }
        guard let bucketInfo = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        var metadata = try Self.metadata(from: context.headers, key: key, bucketStorageClass: bucketInfo.storageClass)
        metadata.objectType = .symlink
        metadata.symlinkTarget = target
        // The link's bytes are empty; its ETag follows what it points to.
        metadata.etagOverride = Hex.encode(Hash.md5(Array(target.utf8)), uppercase: true)
        let info = try store.putObject(
            bucket: bucket, key: key, bytes: [], metadata: metadata, check: WriteHeaders.overwriteCheck(context.headers))
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(info.etag)\"")
        return context.respond.response(headers: headers)
    }

    private func getSymlink(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let info = try store.objectInfo(bucket: bucket, key: key)
        guard info.objectType == .symlink, let target = info.metadata.symlinkTarget else {
            throw OSSError.notSymlink(key: key)
        }
        var headers: HTTPHeaders = [:]
        headers.add(Self.symlinkTargetHeader, PercentEncoding.encodeRFC3986(target, keepSlash: true))
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("Last-Modified", OSSTime.httpDate(info.lastModified / 1000))
        // The link's own user metadata, which the SDKs' GetSymlink results carry.
        for (name, value) in info.metadata.userMetadata.sorted(by: { $0.key < $1.key }) {
            headers.add("x-oss-meta-" + name, value)
        }
        return context.respond.response(headers: headers)
    }

    /// For HEAD: a symlink's info becomes what the link serves.
    func followingSymlink(_ info: ObjectInfo, bucket: String) throws -> ObjectInfo {
        guard info.objectType == .symlink, let target = info.metadata.symlinkTarget else { return info }
        let targetInfo: ObjectInfo
        do {
            targetInfo = try store.objectInfo(bucket: bucket, key: target)
        } catch StorageError.noSuchKey {
            throw OSSError.symlinkTargetNotExist(target: target)
        }
        return try Self.served(link: info, target: targetInfo)
    }

    /// For GET: the link's descriptor (always empty) is swapped for the target's.
    func followingSymlink(_ opened: (descriptor: Int32, info: ObjectInfo), bucket: String) throws -> (descriptor: Int32, info: ObjectInfo) {
        let link = opened.info
        guard link.objectType == .symlink, let target = link.metadata.symlinkTarget else { return opened }
        closeDescriptor(opened.descriptor)
        let targetOpened: (descriptor: Int32, info: ObjectInfo)
        do {
            targetOpened = try store.openObject(bucket: bucket, key: target)
        } catch StorageError.noSuchKey {
            throw OSSError.symlinkTargetNotExist(target: target)
        }
        do {
            return (targetOpened.descriptor, try Self.served(link: link, target: targetOpened.info))
        } catch {
            closeDescriptor(targetOpened.descriptor)
            throw error
        }
    }

    /// What a GET/HEAD of `link` reports: the target's content facts (length,
    /// ETag, CRC), the later Last-Modified, everything else the link's own.
    static func served(link: ObjectInfo, target: ObjectInfo) throws -> ObjectInfo {
        guard target.objectType != .symlink else {
            throw OSSError.invalidTargetType(target: target.key)
        }
        return ObjectInfo(
            key: link.key, size: target.size, etag: target.etag,
            lastModified: max(link.lastModified, target.lastModified), crc64: target.crc64, metadata: link.metadata)
    }
}
