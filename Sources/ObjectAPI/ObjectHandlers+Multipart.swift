import Digest
import OSSProtocol
import Storage
import Transport

/// Multipart upload: InitiateMultipartUpload, UploadPart, UploadPartCopy,
/// CompleteMultipartUpload, AbortMultipartUpload, ListParts.
extension ObjectHandlers {
    /// POST ?uploads
    func initiateMultipartUpload(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        guard context.method == "POST" else {
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
        try NameRules.validateObjectKey(key)
        guard let bucketInfo = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        let urlEncoded = try Self.urlEncoding(context.query)
        if WriteHeaders.forbidsOverwrite(context.headers), (try? store.objectInfo(bucket: bucket, key: key)) != nil {
            throw OSSError.fileAlreadyExists
        }
        var metadata = try Self.metadata(
            from: context.headers, key: key, bucketStorageClass: bucketInfo.storageClass,
            encryptionDefault: configs.settings(bucket).encryption)
        if context.query.has("sequential") {
            // Parts in order: the completed object's MD5 is known and announced.
            metadata.attributes[ObjectMetadata.Attribute.sequential] = "1"
        }
        let upload = try store.initiateMultipartUpload(bucket: bucket, key: key, metadata: metadata)
        var headers: HTTPHeaders = [:]
        ServerSideEncryption.addHeaders(&headers, metadata: metadata, defaultKeyId: settings.defaultKMSKeyId)
        return context.respond.xml(
            MultipartXML.initiateResult(bucket: bucket, key: key, uploadId: upload.uploadId, urlEncoded: urlEncoded),
            headers: headers)
    }

    /// PUT ?partNumber&uploadId (UploadPart, or UploadPartCopy with x-oss-copy-source),
    /// POST ?uploadId (Complete), DELETE ?uploadId (Abort), GET ?uploadId (ListParts).
    func multipartUpload(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let uploadId = context.query.value("uploadId") ?? ""
        return try multipartErrors {
            switch context.method {
            case "PUT" where context.headers["x-oss-copy-source"] != nil:
                return try uploadPartCopy(context, bucket: bucket, key: key, uploadId: uploadId)
            case "PUT":
                return try uploadPart(context, bucket: bucket, key: key, uploadId: uploadId)
            case "POST":
                return try complete(context, bucket: bucket, key: key, uploadId: uploadId)
            case "DELETE":
                try store.abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId)
                return context.respond.response(status: 204)
            case "GET":
                return try listParts(context, bucket: bucket, key: key, uploadId: uploadId)
            default:
                throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
            }
        }
    }

    /// Storage's multipart errors as OSS answers them.
    func multipartErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch MultipartError.noSuchUpload(let id) {
            throw OSSError.noSuchUpload(id)
        } catch MultipartError.partNotSequential(let partNumber, let highest) {
            throw OSSError.partNotSequential(partNumber: partNumber, highest: highest)
        }
    }

    private func uploadPart(_ context: RequestContext, bucket: String, key: String, uploadId: String) throws -> HTTPResponse {
        let partNumber = try MultipartRules.partNumber(context.query.value("partNumber"))
        try ServerSideEncryption.refuse(context.headers)
        let request = context.request
        if let provided = context.headers["Content-MD5"] {
            try ContentMD5.verify(header: provided, digest: request.bodyMD5)
        }
        let part: UploadedPart
        switch request.body {
        case .empty:
            part = try store.uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, bytes: [])
        case .bytes(let bytes):
            part = try store.uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, bytes: bytes)
        case .file(let path, _):
            part = try store.uploadPart(
                bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, movingFile: path,
                md5: request.bodyMD5, crc64: request.bodyCRC64)
        }
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(part.etag)\"")
        headers.add("x-oss-hash-crc64ecma", String(part.crc64))
        headers.add("Content-MD5", Base64.encode(part.md5))
        if let upload = try? store.multipartUpload(bucket: bucket, key: key, uploadId: uploadId) {
            ServerSideEncryption.addHeaders(&headers, metadata: upload.metadata, defaultKeyId: settings.defaultKMSKeyId)
        }
        return context.respond.response(headers: headers)
    }

    /// Thrown from inside the copy when the source is "not modified".
    private struct SourceNotModified: Error {}

    private func uploadPartCopy(_ context: RequestContext, bucket: String, key: String, uploadId: String) throws -> HTTPResponse {
        let partNumber = try MultipartRules.partNumber(context.query.value("partNumber"))
        let source = try CopySource.parse(context.headers["x-oss-copy-source"] ?? "")
        let rangeHeader = context.headers["x-oss-copy-source-range"]
        let result: (part: UploadedPart, source: ObjectInfo)
        do {
            result = try store.uploadPartCopy(
                bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber,
                sourceBucket: source.bucket, sourceKey: source.key
            ) { info in
                guard Self.isReadable(info, now: context.nowMilliseconds) else { throw OSSError.invalidObjectState(source.key) }
                switch try CopySource.checkConditions(context.headers, source: info) {
                case .failed: throw OSSError.preconditionFailed
                case .notModified: throw SourceNotModified()
                case .proceed: break
                }
                guard let rangeHeader, let range = ByteRange.parse(rangeHeader) else { return (0, info.size) }
                switch range.resolve(size: info.size, standard: true) {
                case .whole: return (0, info.size)
                case .unsatisfiable: throw OSSError.invalidRange(objectSize: info.size)
                case .partial(let first, let last): return (first, last - first + 1)
                }
            }
        } catch is SourceNotModified {
            return context.respond.response(status: 304)
        }
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(result.part.etag)\"")
        headers.add("x-oss-hash-crc64ecma", String(result.part.crc64))
        return context.respond.xml(
            MultipartXML.copyPartResult(lastModified: result.part.lastModified / 1000, etag: result.part.etag), headers: headers)
    }

    private func complete(_ context: RequestContext, bucket: String, key: String, uploadId: String) throws -> HTTPResponse {
        let (info, headers) = try storeComplete(context, bucket: bucket, key: key, uploadId: uploadId)
        let urlEncoded = try Self.urlEncoding(context.query)
        let host = context.headers["Host"] ?? context.target.host
        let path = PercentEncoding.encodeRFC3986(key, keepSlash: true)
        let location = context.target.style == .virtualHosted ? "http://\(host)/\(path)" : "http://\(host)/\(bucket)/\(path)"
        return context.respond.xml(
            MultipartXML.completeResult(location: location, bucket: bucket, key: key, etag: info.etag, urlEncoded: urlEncoded),
            headers: headers)
    }

    /// CompleteMultipartUpload up to the stored object and its answer's
    /// headers (also the first step of a Complete that carries a callback).
    func storeComplete(
        _ context: RequestContext, bucket: String, key: String, uploadId: String
    ) throws -> (ObjectInfo, HTTPHeaders) {
        _ = try Self.urlEncoding(context.query)
        try ServerSideEncryption.refuse(context.headers)
        let body = try requestBody(context)
        let completeAll = context.headers["x-oss-complete-all"]?.lowercased() == "yes"
        var requested: [RequestedPart] = []
        if completeAll {
            guard body.isEmpty else {
                throw OSSError.invalidArgument(
                    "Should not specify the part list when x-oss-complete-all is yes.", name: "x-oss-complete-all", value: "yes")
            }
        } else {
            requested = try MultipartXML.parseComplete(body)
        }
        let objectACL = try context.headers["x-oss-object-acl"].map { try ObjectACL.parse($0) }
        let check = WriteHeaders.overwriteCheck(context.headers)
        let choose: ([UploadedPart]) throws -> [UploadedPart] = { parts in
            let summaries = parts.map { StoredPartSummary(partNumber: $0.partNumber, etag: $0.etag, size: $0.size) }
            let chosen: [StoredPartSummary]
            if completeAll {
                chosen = try MultipartRules.all(summaries, uploadId: uploadId)
            } else {
                chosen = try MultipartRules.check(requested, uploaded: summaries, uploadId: uploadId)
            }
            let numbers = Set(chosen.map(\.partNumber))
            return parts.filter { numbers.contains($0.partNumber) }
        }
        let adjust: (inout ObjectMetadata) throws -> Void = { metadata in
            if let objectACL { metadata.objectACL = objectACL }
        }
        let info = try store.completeMultipartUpload(
            bucket: bucket, key: key, uploadId: uploadId, choose: choose, adjust: adjust, check: check)
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("x-oss-hash-crc64ecma", String(info.crc64))
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        return (info, headers)
    }

    private func listParts(_ context: RequestContext, bucket: String, key: String, uploadId: String) throws -> HTTPResponse {
        let request = try ListPartsRequest(query: context.query)
        let (_, parts) = try store.listParts(bucket: bucket, key: key, uploadId: uploadId)
        let after = parts.filter { $0.partNumber > request.partNumberMarker }
        let page = after.prefix(request.maxParts).map {
            PartEntry(partNumber: $0.partNumber, lastModified: $0.lastModified / 1000, etag: $0.etag, crc64: $0.crc64, size: $0.size)
        }
        let listing = PartListing(
            bucket: bucket, key: key, uploadId: uploadId, request: request, parts: Array(page),
            isTruncated: after.count > page.count)
        return context.respond.xml(listing.xml())
    }

    static func urlEncoding(_ query: [QueryItem]) throws -> Bool {
        switch query.value("encoding-type") {
        case nil, "": return false
        case "url": return true
        case let other?: throw OSSError.invalidArgument("The encoding-type must be url.", name: "encoding-type", value: other)
        }
    }

}
