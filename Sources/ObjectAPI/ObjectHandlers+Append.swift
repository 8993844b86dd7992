import Digest
import OSSProtocol
import Storage
import Transport

/// Bounds of AppendObject.
public enum AppendLimits {
    /// OSS: an appendable object never grows past 5 GB.
    public static let maxObjectSize: Int64 = 5 << 30
}

/// AppendObject (POST ?append&position=N).
extension ObjectHandlers {
    func append(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        guard context.method == "POST" else {
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
        try NameRules.validateObjectKey(key)
        let position = try Self.appendPosition(context.query)
        let request = context.request
        if let provided = context.headers["Content-MD5"] {
            try ContentMD5.verify(header: provided, digest: request.bodyMD5)
        }
        let source: AppendSource
        switch request.body {
        case .empty: source = .bytes([])
        case .bytes(let bytes): source = .bytes(bytes)
        case .file(let path, _): source = .file(path: path)
        }
        // Headers count only when the append starts the object: later appends
        // keep its metadata and OSS ignores (does not even check) theirs.
        let metadata = position == 0
            ? try Self.metadata(
                from: context.headers, key: key, bucketStorageClass: store.bucket(bucket)?.storageClass,
                encryptionDefault: configs.settings(bucket).encryption)
            : ObjectMetadata()
        let info: ObjectInfo
        do {
            info = try store.appendObject(
                bucket: bucket, key: key, position: position, source: source, metadata: metadata,
                maxSize: AppendLimits.maxObjectSize)
        } catch let refusal as AppendRefusal {
            switch refusal {
            case .notAppendable:
                throw OSSError.objectNotAppendable(key: key)
            case .tooLarge(let limit):
                throw OSSError.entityTooLarge(maxSize: limit)
            case .positionNotEqualToLength(let current):
                var response = context.respond.error(.positionNotEqualToLength(key: key))
                response.headers.add("x-oss-next-append-position", String(current))
                return response
            }
        }
        var headers: HTTPHeaders = [:]
        headers.add("ETag", "\"\(info.etag)\"")
        headers.add("x-oss-next-append-position", String(info.size))
        headers.add("x-oss-hash-crc64ecma", String(info.crc64))
        // Later appends keep the encryption the first one chose, whatever they send.
        ServerSideEncryption.addHeaders(&headers, metadata: info.metadata, defaultKeyId: settings.defaultKMSKeyId)
        return context.respond.response(headers: headers)
    }

    /// `position` must be a non-negative decimal integer.
    static func appendPosition(_ query: [QueryItem]) throws -> Int64 {
        guard let text = query.value("position"), !text.isEmpty else {
            throw OSSError.invalidArgument("Parameter position is missing.", name: "position", value: "")
        }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let position = Int64(text) else {
            throw OSSError.invalidArgument("Parameter position is invalid.", name: "position", value: text)
        }
        return position
    }
}
