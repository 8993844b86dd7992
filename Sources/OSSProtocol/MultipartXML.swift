/// XML bodies of the multipart upload operations, element names and order as
/// OSS documents them and the SDKs parse them (oss2 `xml_utils`, Go
/// `InitiateMultipartUploadResult`, `ListUploadedPartsResult`, …).
public enum MultipartXML {
    /// Keys in answers to a request with `encoding-type=url`.
    static func encoder(_ urlEncoded: Bool) -> (String) -> String {
        { urlEncoded ? PercentEncoding.encodeRFC3986($0, keepSlash: false) : $0 }
    }

    public static func initiateResult(bucket: String, key: String, uploadId: String, urlEncoded: Bool) -> [UInt8] {
        var w = XMLWriter(root: "InitiateMultipartUploadResult")
        if urlEncoded { w.element("EncodingType", "url") }
        w.element("Bucket", bucket)
        w.element("Key", encoder(urlEncoded)(key))
        w.element("UploadId", uploadId)
        return w.finish()
    }

    public static func completeResult(location: String, bucket: String, key: String, etag: String, urlEncoded: Bool) -> [UInt8] {
        var w = XMLWriter(root: "CompleteMultipartUploadResult")
        if urlEncoded { w.element("EncodingType", "url") }
        w.element("Location", location)
        w.element("Bucket", bucket)
        w.element("Key", encoder(urlEncoded)(key))
        w.element("ETag", "\"" + etag + "\"")
        return w.finish()
    }

    /// UploadPartCopy's answer; `lastModified` in epoch seconds.
    public static func copyPartResult(lastModified: Int64, etag: String) -> [UInt8] {
        var w = XMLWriter(root: "CopyPartResult")
        w.element("LastModified", OSSTime.iso8601(lastModified))
        w.element("ETag", "\"" + etag + "\"")
        return w.finish()
    }

    /// The parts of a CompleteMultipartUpload body, in document order.
    public static func parseComplete(_ body: [UInt8]) throws(OSSError) -> [RequestedPart] {
        let root = try XMLDocument.parse(body)
        guard root.name == "CompleteMultipartUpload" else {
            throw .malformedXML("the root element must be CompleteMultipartUpload.")
        }
        var parts: [RequestedPart] = []
        for node in root.children("Part") {
            guard let numberText = node.text(of: "PartNumber"), let number = strictInt(numberText) else {
                throw .malformedXML("every Part needs a numeric PartNumber.")
            }
            guard var etag = node.text(of: "ETag") else {
                throw .malformedXML("every Part needs an ETag.")
            }
            if etag.count >= 2, etag.hasPrefix("\""), etag.hasSuffix("\"") { etag = String(etag.dropFirst().dropLast()) }
            parts.append(RequestedPart(partNumber: number, etag: etag))
        }
        return parts
    }
}

/// One upload in a ListMultipartUploads answer.
public struct UploadEntry: Sendable, Equatable {
    public var key: String
    public var uploadId: String
    /// Epoch seconds.
    public var initiated: Int64

    public init(key: String, uploadId: String, initiated: Int64) {
        self.key = key
        self.uploadId = uploadId
        self.initiated = initiated
    }
}

/// ListMultipartUploads parameters, validated.
public struct ListUploadsRequest: Sendable, Equatable {
    public var prefix: String
    public var delimiter: String
    public var keyMarker: String
    public var uploadIdMarker: String
    public var maxUploads: Int
    public var urlEncoded: Bool

    public init(query: [QueryItem]) throws(OSSError) {
        prefix = query.value("prefix") ?? ""
        delimiter = query.value("delimiter") ?? ""
        keyMarker = query.value("key-marker") ?? ""
        uploadIdMarker = query.value("upload-id-marker") ?? ""
        urlEncoded = try parseEncodingType(query)
        maxUploads = try parseLimit(
            query, name: "max-uploads", default: MultipartLimits.defaultMaxUploads, limit: MultipartLimits.maxMaxUploads)
    }
}

/// One page of ListMultipartUploads.
public struct UploadListing: Sendable, Equatable {
    public var bucket: String
    public var request: ListUploadsRequest
    public var uploads: [UploadEntry]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    public var nextKeyMarker: String
    public var nextUploadIdMarker: String

    public init(bucket: String, request: ListUploadsRequest, uploads: [UploadEntry], commonPrefixes: [String],
                isTruncated: Bool, nextKeyMarker: String, nextUploadIdMarker: String) {
        self.bucket = bucket
        self.request = request
        self.uploads = uploads
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextUploadIdMarker = nextUploadIdMarker
    }

    /// oss2 requires NextKeyMarker and NextUploadIdMarker to be present, so
    /// they are always written (empty when nothing follows).
    public func xml() -> [UInt8] {
        let encode = MultipartXML.encoder(request.urlEncoded)
        var w = XMLWriter(root: "ListMultipartUploadsResult")
        w.element("Bucket", bucket)
        if request.urlEncoded { w.element("EncodingType", "url") }
        w.element("KeyMarker", encode(request.keyMarker))
        w.element("UploadIdMarker", request.uploadIdMarker)
        w.element("NextKeyMarker", encode(nextKeyMarker))
        w.element("NextUploadIdMarker", nextUploadIdMarker)
        w.element("Delimiter", encode(request.delimiter))
        w.element("Prefix", encode(request.prefix))
        w.element("MaxUploads", request.maxUploads)
        w.element("IsTruncated", isTruncated)
        for upload in uploads {
            w.open("Upload")
            w.element("Key", encode(upload.key))
            w.element("UploadId", upload.uploadId)
            w.element("Initiated", OSSTime.iso8601(upload.initiated))
            w.close()
        }
        for prefix in commonPrefixes {
            w.open("CommonPrefixes")
            w.element("Prefix", encode(prefix))
            w.close()
        }
        return w.finish()
    }
}

/// One part in a ListParts answer.
public struct PartEntry: Sendable, Equatable {
    public var partNumber: Int
    /// Epoch seconds.
    public var lastModified: Int64
    /// Upper-case hex MD5, without quotes.
    public var etag: String
    public var crc64: UInt64
    public var size: Int64

    public init(partNumber: Int, lastModified: Int64, etag: String, crc64: UInt64, size: Int64) {
        self.partNumber = partNumber
        self.lastModified = lastModified
        self.etag = etag
        self.crc64 = crc64
        self.size = size
    }
}

/// ListParts parameters, validated.
public struct ListPartsRequest: Sendable, Equatable {
    public var partNumberMarker: Int
    public var maxParts: Int
    public var urlEncoded: Bool

    public init(query: [QueryItem]) throws(OSSError) {
        let marker = query.value("part-number-marker") ?? ""
        if marker.isEmpty {
            partNumberMarker = 0
        } else {
            guard let value = strictInt(marker), value >= 0 else {
                throw .invalidArgument("part-number-marker must be a non-negative integer.", name: "part-number-marker", value: marker)
            }
            partNumberMarker = value
        }
        urlEncoded = try parseEncodingType(query)
        maxParts = try parseLimit(query, name: "max-parts", default: MultipartLimits.defaultMaxParts, limit: MultipartLimits.maxMaxParts)
    }
}

/// One page of ListParts.
public struct PartListing: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var request: ListPartsRequest
    public var parts: [PartEntry]
    public var isTruncated: Bool

    public init(bucket: String, key: String, uploadId: String, request: ListPartsRequest, parts: [PartEntry], isTruncated: Bool) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.request = request
        self.parts = parts
        self.isTruncated = isTruncated
    }

    /// The marker for the next page: the last part listed (oss2 reads it
    /// unconditionally, so it is written even when the listing is complete).
    public var nextPartNumberMarker: Int { parts.last?.partNumber ?? request.partNumberMarker }

    public func xml() -> [UInt8] {
        var w = XMLWriter(root: "ListPartsResult")
        if request.urlEncoded { w.element("EncodingType", "url") }
        w.element("Bucket", bucket)
        w.element("Key", MultipartXML.encoder(request.urlEncoded)(key))
        w.element("UploadId", uploadId)
        w.element("PartNumberMarker", request.partNumberMarker)
        w.element("NextPartNumberMarker", nextPartNumberMarker)
        w.element("MaxParts", request.maxParts)
        w.element("IsTruncated", isTruncated)
        for part in parts {
            w.open("Part")
            w.element("PartNumber", part.partNumber)
            w.element("LastModified", OSSTime.iso8601(part.lastModified))
            w.element("ETag", "\"" + part.etag + "\"")
            w.element("HashCrc64ecma", String(part.crc64))
            w.element("Size", part.size)
            w.close()
        }
        return w.finish()
    }
}

/// `encoding-type`: absent/empty or `url`.
func parseEncodingType(_ query: [QueryItem]) throws(OSSError) -> Bool {
    switch query.value("encoding-type") {
    case nil, "": return false
    case "url": return true
    case let other?: throw .invalidArgument("The encoding-type must be url.", name: "encoding-type", value: other)
    }
}

/// A page size parameter: absent or empty → default; otherwise 1…limit.
func parseLimit(_ query: [QueryItem], name: String, default defaultValue: Int, limit: Int) throws(OSSError) -> Int {
    guard let text = query.value(name), !text.isEmpty else { return defaultValue }
    guard let value = strictInt(text), value >= 1, value <= limit else {
        throw .invalidArgument("\(name) must be an integer between 1 and \(limit).", name: name, value: text)
    }
    return value
}
