#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BucketConfig
import Digest
import OSSProtocol
import Storage
import Transport

/// PostObject: `POST /<bucket>` with a `multipart/form-data` body, as a
/// browser form sends it. The form authenticates itself (a signed policy),
/// or is anonymous on a public-read-write bucket.
public struct PostObjectHandler: Sendable {
    /// Largest object a form can upload (OSS: 5 GB).
    public static let maxObjectBytes: Int64 = 5 * 1024 * 1024 * 1024

    let store: ObjectStore
    let authenticator: Authenticator
    /// The bucket's default encryption applies to form uploads too.
    let configs: BucketServingConfig

    public init(store: ObjectStore, authenticator: Authenticator, configs: BucketServingConfig? = nil) {
        self.store = store
        self.authenticator = authenticator
        self.configs = configs ?? BucketServingConfig(store: store)
    }

    /// A POST to a bucket with a form body, whatever its query.
    public static func isFormUpload(_ context: RequestContext) -> Bool {
        guard context.method == "POST", let type = context.headers["Content-Type"] else { return false }
        return MultipartFormParser.boundary(contentType: type) != nil
    }

    public func handle(_ context: RequestContext, bucket: String) throws -> HandlerOutcome {
        guard let boundary = context.headers["Content-Type"].flatMap(MultipartFormParser.boundary(contentType:)) else {
            throw OSSError.malformedPOSTRequest("no boundary")
        }
        guard let bucketInfo = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        let form = try PostObjectForm.parse(context.request.body, boundary: boundary, tempPath: store.makeTempFilePath())
        guard let filePath = form.filePath else { throw OSSError.postFieldMissing("file") }
        // Whatever happens below, the spooled file does not outlive the request.
        defer { unlink(filePath) }

        var fields = form.fields
        guard let rawKey = fields["key"], !rawKey.isEmpty else { throw OSSError.postFieldMissing("key") }
        let key = Self.substituteFilename(in: rawKey, with: Self.baseName(form.fileName ?? ""))
        try NameRules.validateObjectKey(key)
        fields["key"] = key
        fields["bucket"] = bucket

        if fields["policy"] != nil {
            _ = try PostFormSignature.verify(fields: fields, authenticator: authenticator)
            let policy = try PostPolicy.parse(base64: fields["policy"] ?? "")
            try policy.evaluate(fields: fields, contentLength: form.fileSize, now: context.nowSeconds)
        } else if fields["signature"] != nil || fields["x-oss-signature"] != nil {
            throw OSSError.postFieldMissing("policy")
        } else if bucketInfo.acl != .publicReadWrite {
            throw OSSError.accessDenied("You have no right to access this object because of bucket acl.")
        }
        guard form.fileSize <= Self.maxObjectBytes else { throw OSSError.entityTooLarge(maxSize: Self.maxObjectBytes) }

        var callback: UploadCallback?
        if let encoded = fields["callback"], !encoded.isEmpty {
            guard let bytes = Base64.decode(encoded), let document = try? JSONText.parse(bytes), case .object = document else {
                throw OSSError.invalidCallback("The callback configuration is not base64 encoded json.")
            }
            callback = try UploadCallback.parse(document: document, variables: form.customVariables)
        }

        let metadata = try ObjectHandlers.metadata(
            from: Self.writeHeaders(fields, fileContentType: form.fileContentType), key: key,
            bucketStorageClass: bucketInfo.storageClass, encryptionDefault: configs.settings(bucket).encryption)
        let info = try store.putObject(
            bucket: bucket, key: key, movingFile: filePath, md5: form.fileMD5, crc64: form.fileCRC64, metadata: metadata)
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("x-oss-hash-crc64ecma", String(info.crc64))
        let contentMD5 = Base64.encode(form.fileMD5)
        headers.add("Content-MD5", contentMD5)

        if let callback {
            return .callback(ObjectHandlers.pending(
                callback, info: info, bucket: bucket, key: key, headers: headers, operation: "PostObject",
                contentMD5: contentMD5, context: context))
        }
        return .response(answer(fields, bucket: bucket, key: key, etag: info.etag, headers: headers, context: context))
    }

    /// `success_action_redirect` (303), else `success_action_status` 200, 201
    /// (a `PostResponse` document) or 204 (the default, also for other values).
    private func answer(_ fields: [String: String], bucket: String, key: String, etag: String, headers: HTTPHeaders,
                        context: RequestContext) -> HTTPResponse {
        if let redirect = fields["success_action_redirect"], !redirect.isEmpty {
            var location = redirect
            location += redirect.contains("?") ? "&" : "?"
            location += "bucket=" + PercentEncoding.encodeRFC3986(bucket, keepSlash: false)
            location += "&key=" + PercentEncoding.encodeRFC3986(key, keepSlash: false)
            location += "&etag=" + PercentEncoding.encodeRFC3986("\"\(etag)\"", keepSlash: false)
            var all = headers
            all.add("Location", location)
            return context.respond.response(status: 303, headers: all)
        }
        switch fields["success_action_status"] {
        case "200":
            return context.respond.response(status: 200, headers: headers)
        case "201":
            var writer = XMLWriter(root: "PostResponse")
            writer.element("Bucket", bucket)
            writer.element("Location", Self.location(context, bucket: bucket, key: key))
            writer.element("Key", key)
            writer.element("ETag", "\"\(etag)\"")
            return context.respond.xml(writer.finish(), status: 201, headers: headers)
        default:
            return context.respond.response(status: 204, headers: headers)
        }
    }

    /// The object's URL as the client addressed the bucket.
    static func location(_ context: RequestContext, bucket: String, key: String) -> String {
        let host = context.headers["Host"] ?? "localhost"
        let path = PercentEncoding.encodeRFC3986(key, keepSlash: true)
        if context.target.style == .virtualHosted { return "http://\(host)/\(path)" }
        return "http://\(host)/\(bucket)/\(path)"
    }

    /// The form fields a PutObject would carry as headers.
    static func writeHeaders(_ fields: [String: String], fileContentType: String?) -> HTTPHeaders {
        var headers: HTTPHeaders = [:]
        let contentType = fields["content-type"] ?? fileContentType
        if let contentType, !contentType.isEmpty { headers.add("Content-Type", contentType) }
        for name in ["cache-control", "content-disposition", "content-encoding", "expires",
                     "x-oss-object-acl", "x-oss-storage-class", "x-oss-tagging"] {
            if let value = fields[name] { headers.add(name, value) }
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where name.hasPrefix("x-oss-meta-") {
            headers.add(name, value)
        }
        return headers
    }

    /// Every `${filename}` in the key field becomes the uploaded file's name.
    static func substituteFilename(in key: String, with name: String) -> String {
        var out = ""
        var rest = Substring(key)
        while let range = rest.firstRange(of: "${filename}") {
            out += rest[..<range.lowerBound] + name
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// Browsers may send a full path as the file name; `${filename}` is its last part.
    static func baseName(_ name: String) -> String {
        guard let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return name }
        return String(name[name.index(after: slash)...])
    }
}
