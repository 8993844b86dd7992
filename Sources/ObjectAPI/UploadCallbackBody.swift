import OSSProtocol

/// What the system variables of a callback body stand for.
public struct UploadCallbackContext: Sendable, Equatable {
    public var bucket: String
    public var object: String
    public var etag: String
    public var size: Int64
    public var mimeType: String
    public var crc64: UInt64
    /// Base64 MD5 of the body; empty for CompleteMultipartUpload, as in OSS.
    public var contentMD5: String
    public var clientIP: String
    public var requestId: String
    /// `PutObject`, `PostObject` or `CompleteMultipartUpload`.
    public var operation: String

    public init(bucket: String, object: String, etag: String, size: Int64, mimeType: String, crc64: UInt64,
                contentMD5: String, clientIP: String, requestId: String, operation: String) {
        self.bucket = bucket
        self.object = object
        self.etag = etag
        self.size = size
        self.mimeType = mimeType
        self.crc64 = crc64
        self.contentMD5 = contentMD5
        self.clientIP = clientIP
        self.requestId = requestId
        self.operation = operation
    }

    /// Used to check a JSON template before the upload has any values.
    static let placeholder = UploadCallbackContext(
        bucket: "", object: "", etag: "", size: 0, mimeType: "", crc64: 0, contentMD5: "", clientIP: "",
        requestId: "", operation: "")

    /// The value of `${name}`; image information is empty (objects are not decoded).
    func value(of name: String) -> String? {
        switch name {
        case "bucket": return bucket
        case "object": return object
        case "etag": return etag
        case "size": return String(size)
        case "mimeType": return mimeType
        case "crc64": return String(crc64)
        case "contentMd5": return contentMD5
        case "clientIp": return clientIP
        case "reqId": return requestId
        case "operation": return operation
        case "vpcId": return ""
        case "imageInfo.height", "imageInfo.width", "imageInfo.format": return ""
        default: return nil
        }
    }
}

extension UploadCallback {
    /// The callback body: `${var}` replaced by its value, URL-encoded for a
    /// form body or as a JSON string for a JSON body. `${x:name}` takes a
    /// custom variable; unknown names become empty, like OSS.
    public func render(_ context: UploadCallbackContext) -> [UInt8] {
        var out = ""
        var rest = Substring(bodyTemplate)
        while let open = rest.firstRange(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[open.upperBound..<close])
            let value: String
            if name.hasPrefix("x:") {
                value = variables.last { $0.0 == name }?.1 ?? ""
            } else {
                value = context.value(of: name) ?? ""
            }
            out += encode(value)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return Array(out.utf8)
    }

    private func encode(_ value: String) -> String {
        switch bodyType {
        case .form: return PercentEncoding.encodeRFC3986(value, keepSlash: false)
        case .json: return Self.jsonString(value)
        }
    }

    static func jsonString(_ value: String) -> String {
        var out = ""
        JSONText.quote(value, into: &out)
        return out
    }
}
