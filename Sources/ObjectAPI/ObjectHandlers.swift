import BucketConfig
import Digest
import OSSProtocol
import Storage
import Transport

/// PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject.
public struct ObjectHandlers: Sendable {
    let store: ObjectStore
    /// The owner GetObjectACL names.
    let owner: Owner
    let settings: ObjectAPISettings
    /// Bucket settings that change how objects are served and written
    /// (website documents, default encryption).
    let configs: BucketServingConfig

    public init(store: ObjectStore, owner: Owner = Owner(id: "1000000000000000"), settings: ObjectAPISettings = ObjectAPISettings(),
                configs: BucketServingConfig? = nil) {
        self.store = store
        self.owner = owner
        self.settings = settings
        self.configs = configs ?? BucketServingConfig(store: store)
    }

    /// Object sub-resources this emulator does not serve; answered 501.
    static let unsupportedSubresources: Set<String> = ["versionId", "versions", "objectInfo"]

    /// Sub-resources that manage rather than read or write an object; they
    /// always need a signature, whatever the bucket ACL.
    public static func hasManagementSubresource(_ query: [QueryItem]) -> Bool {
        query.has("live") || query.has("vod") || query.has("acl") || query.has("tagging") || query.has("symlink")
    }

    /// Routes by sub-resource, then by method. Each operation family has a
    /// file of its own (`ObjectHandlers+Multipart.swift`, `+Copy`, `+Append`,
    /// `+ACL`, `+Symlink`, `+Tagging`, `+Restore`).
    public func handle(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let query = context.query
        if query.has("x-oss-process") || query.has("x-oss-async-process") {
            return try process(context, bucket: bucket, key: key)
        }
        if let unsupported = query.first(where: { Self.unsupportedSubresources.contains($0.name) }) {
            throw OSSError.notImplemented("the '\(unsupported.name)' sub-resource")
        }
        if query.has("uploadId") { return try multipartUpload(context, bucket: bucket, key: key) }
        if query.has("uploads") { return try initiateMultipartUpload(context, bucket: bucket, key: key) }
        if query.has("append") { return try append(context, bucket: bucket, key: key) }
        if query.has("acl") { return try objectACL(context, bucket: bucket, key: key) }
        if query.has("symlink") { return try symlink(context, bucket: bucket, key: key) }
        if query.has("tagging") { return try tagging(context, bucket: bucket, key: key) }
        if query.has("restore") { return try restore(context, bucket: bucket, key: key) }
        switch context.method {
        case "PUT" where context.headers["x-oss-copy-source"] != nil:
            return try copy(context, bucket: bucket, key: key)
        case "PUT": return try put(context, bucket: bucket, key: key)
        case "GET": return try servingWebsite(context, bucket: bucket, key: key) { try get(context, bucket: bucket, key: $0) }
        case "HEAD": return try servingWebsite(context, bucket: bucket, key: key) { try head(context, bucket: bucket, key: $0) }
        case "DELETE":
            try store.deleteObject(bucket: bucket, key: key)
            return context.respond.response(status: 204)
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
    }

    private func put(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let (_, headers) = try storePut(context, bucket: bucket, key: key)
        return context.respond.response(headers: headers)
    }

    /// PutObject's write: the stored object and the headers of its answer.
    func storePut(_ context: RequestContext, bucket: String, key: String) throws -> (ObjectInfo, HTTPHeaders) {
        try NameRules.validateObjectKey(key)
        guard let bucketInfo = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        // OSS refuses conditional PutObject (use x-oss-forbid-overwrite) rather than ignore the header.
        if let header = WriteHeaders.conditionalHeaders.first(where: { context.headers[$0] != nil }) {
            throw OSSError.conditionalPutNotImplemented(header: header)
        }
        let request = context.request
        if let provided = context.headers["Content-MD5"] {
            try ContentMD5.verify(header: provided, digest: request.bodyMD5)
        }
        var metadata = try Self.metadata(
            from: context.headers, key: key, bucketStorageClass: bucketInfo.storageClass,
            encryptionDefault: configs.settings(bucket).encryption)
        if context.isPresigned, context.headers["Content-Type"] == nil {
            // OSS guesses no type for a presigned PUT: the URL signed none.
            metadata.contentType = ContentTypes.fallback
        }
        let info: ObjectInfo
        let check = WriteHeaders.overwriteCheck(context.headers)
        switch request.body {
        case .empty:
            info = try store.putObject(bucket: bucket, key: key, bytes: [], metadata: metadata, check: check)
        case .bytes(let bytes):
            info = try store.putObject(bucket: bucket, key: key, bytes: bytes, metadata: metadata, check: check)
        case .file(let path, _):
            info = try store.putObject(
                bucket: bucket, key: key, movingFile: path, md5: request.bodyMD5, crc64: request.bodyCRC64,
                metadata: metadata, check: check)
        }
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("x-oss-hash-crc64ecma", String(info.crc64))
        headers.add("Content-MD5", Base64.encode(Self.bytes(ofHex: info.etag)))
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        return (info, headers)
    }

    func get(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        // Small objects come from memory, answered in one write; symlinks,
        // ranges and gzip go the descriptor way.
        let opened = try store.openObjectContent(bucket: bucket, key: key)
        let descriptor: Int32
        let info: ObjectInfo
        switch opened.content {
        case .bytes(let bytes):
            if opened.info.objectType != .symlink, context.headers["Range"] == nil,
               !GzipEncoding.applies(to: opened.info, requestHeaders: context.headers) {
                return try getSmall(context, bytes: bytes, info: opened.info, key: key)
            }
            (descriptor, info) = try followingSymlink(store.openObject(bucket: bucket, key: key), bucket: bucket)
        case .descriptor(let open):
            (descriptor, info) = try followingSymlink((open, opened.info), bucket: bucket)
        }
        var headers = Self.objectHeaders(info, query: context.query)
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        let conditional: HTTPResponse?
        do {
            guard Self.isReadable(info, now: context.nowMilliseconds) else { throw OSSError.invalidObjectState(key) }
            conditional = try Self.conditionalResponse(context, info: info)
        } catch {
            closeDescriptor(descriptor)
            throw error
        }
        if let conditional {
            closeDescriptor(descriptor)
            return conditional
        }
        Self.addArchiveHeaders(&headers, info: info, now: context.nowMilliseconds)
        guard let rangeHeader = context.headers["Range"], let range = ByteRange.parse(rangeHeader) else {
            if GzipEncoding.applies(to: info, requestHeaders: context.headers) {
                return GzipEncoding.response(context, headers: headers, descriptor: descriptor, info: info)
            }
            return context.respond.response(headers: headers, body: .file(descriptor: descriptor, offset: 0, length: info.size))
        }
        let standard = context.headers["x-oss-range-behavior"]?.lowercased() == "standard"
        switch range.resolve(size: info.size, standard: standard) {
        case .whole:
            return context.respond.response(headers: headers, body: .file(descriptor: descriptor, offset: 0, length: info.size))
        case .unsatisfiable:
            closeDescriptor(descriptor)
            throw OSSError.invalidRange(objectSize: info.size)
        case .partial(let start, let end):
            headers.add("Content-Range", "bytes \(start)-\(end)/\(info.size)")
            headers.remove("Content-MD5")  // it describes the whole object, not this part
            return context.respond.response(
                status: 206, headers: headers, body: .file(descriptor: descriptor, offset: start, length: end - start + 1))
        }
    }

    private func getSmall(_ context: RequestContext, bytes: [UInt8], info: ObjectInfo, key: String) throws -> HTTPResponse {
        var headers = Self.objectHeaders(info, query: context.query)
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        guard Self.isReadable(info, now: context.nowMilliseconds) else { throw OSSError.invalidObjectState(key) }
        if let conditional = try Self.conditionalResponse(context, info: info) { return conditional }
        Self.addArchiveHeaders(&headers, info: info, now: context.nowMilliseconds)
        return context.respond.response(headers: headers, body: .bytes(bytes))
    }

    func head(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let info = try followingSymlink(store.objectInfo(bucket: bucket, key: key), bucket: bucket)
        if let conditional = try Self.conditionalResponse(context, info: info) { return conditional }
        var headers = Self.objectHeaders(info, query: context.query)
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        Self.addArchiveHeaders(&headers, info: info, now: context.nowMilliseconds)
        headers.set("Content-Length", String(info.size))
        if context.query.has("objectMeta") {
            headers.remove("Content-Type")
        }
        return context.respond.response(headers: headers)
    }

    /// The 304 a conditional GET/HEAD gets instead of the object, or its 412.
    static func conditionalResponse(_ context: RequestContext, info: ObjectInfo) throws -> HTTPResponse? {
        switch Preconditions.evaluate(context.headers, etag: info.etag, lastModifiedSeconds: info.lastModified / 1000) {
        case .proceed:
            return nil
        case .failed:
            throw OSSError.preconditionFailed
        case .notModified:
            var headers: HTTPHeaders = [:]
            headers.add("ETag", "\"\(info.etag)\"")
            headers.add("Last-Modified", HTTPDateCache.httpDate(info.lastModified / 1000))
            return context.respond.response(status: 304, headers: headers)
        }
    }

    static func objectHeaders(_ info: ObjectInfo, query: [QueryItem]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        // Every header below, the archive and encryption ones, and a few to spare.
        headers.reserveCapacity(16 + info.metadata.userMetadata.count)
        headers.add("Content-Type", query.value("response-content-type") ?? info.metadata.contentType)
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("Last-Modified", HTTPDateCache.httpDate(info.lastModified / 1000))
        headers.add("Accept-Ranges", "bytes")
        headers.add("x-oss-object-type", info.objectType.rawValue)
        headers.add("x-oss-storage-class", info.storageClass)
        if info.objectType == .appendable {
            headers.add("x-oss-next-append-position", String(info.size))
        }
        headers.add("x-oss-hash-crc64ecma", String(info.crc64))
        if info.metadata.announcesContentMD5, info.contentMD5.count == 16 {
            headers.add("Content-MD5", Base64.encode(info.contentMD5))
        }
        if ContentTypes.isPlaylist(info.metadata.contentType) {
            // Live playlists change under the same name; players must not cache them.
            headers.add("Cache-Control", info.metadata.cacheControl ?? "no-cache")
        } else if let cacheControl = query.value("response-cache-control") ?? info.metadata.cacheControl {
            headers.add("Cache-Control", cacheControl)
        }
        if let value = query.value("response-content-disposition") ?? info.metadata.contentDisposition {
            headers.add("Content-Disposition", value)
        }
        if let value = query.value("response-content-encoding") ?? info.metadata.contentEncoding {
            headers.add("Content-Encoding", value)
        }
        if let value = query.value("response-content-language") {
            headers.add("Content-Language", value)
        }
        if let value = query.value("response-expires") ?? info.metadata.expires {
            headers.add("Expires", value)
        }
        for (name, value) in info.metadata.userMetadata.sorted(by: { $0.key < $1.key }) {
            headers.add("x-oss-meta-" + name, value)
        }
        let tagCount = taggingCount(info)
        if tagCount > 0 { headers.add("x-oss-tagging-count", String(tagCount)) }
        return headers
    }

    /// `x-oss-restore` of an archived object a restore was asked of.
    static func addArchiveHeaders(_ headers: inout HTTPHeaders, info: ObjectInfo, now: Int64) {
        if let status = restoreStatus(info, now: now) { headers.add("x-oss-restore", status) }
    }

    /// The metadata a write stores: content headers, `x-oss-meta-*`, and the
    /// OSS write properties (`WriteHeaders`).
    /// `bucketStorageClass` is the class a new object takes when the request
    /// names none (its bucket's, as OSS does).
    /// `encryptionDefault` is the bucket's default encryption, for a request that names none.
    static func metadata(
        from headers: HTTPHeaders, key: String, bucketStorageClass: String? = nil, encryptionDefault: EncryptionRule? = nil
    ) throws -> ObjectMetadata {
        var metadata = ObjectMetadata(contentType: headers["Content-Type"] ?? ContentTypes.forKey(key))
        var userMetadataBytes = 0
        for (name, value) in headers.pairs {
            let lowered = name.lowercased()
            if lowered.hasPrefix("x-oss-meta-") {
                metadata.userMetadata[String(lowered.dropFirst("x-oss-meta-".count))] = value
                userMetadataBytes += lowered.utf8.count + value.utf8.count
            }
        }
        if userMetadataBytes > WriteHeaders.maxUserMetadataBytes {
            throw OSSError.userMetadataTooLarge(size: userMetadataBytes, limit: WriteHeaders.maxUserMetadataBytes)
        }
        metadata.cacheControl = headers["Cache-Control"]
        metadata.contentDisposition = headers["Content-Disposition"]
        metadata.contentEncoding = headers["Content-Encoding"]
        metadata.expires = headers["Expires"]
        try WriteHeaders.apply(headers, to: &metadata, encryptionDefault: encryptionDefault)
        if let bucketStorageClass, headers["x-oss-storage-class"] == nil {
            metadata.storageClass = bucketStorageClass
        }
        return metadata
    }

    static func bytes(ofHex hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return [] }
            out.append(h << 4 | l)
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    public var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
