import FuzzSupport
import OSSProtocol
@testable import ObjectAPI

/// Request header values an object operation reads: Range, x-oss-copy-source,
/// x-oss-tagging, storage class and ACL, Content-MD5, multipart boundaries,
/// query strings and percent-encoding. The input is one header value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzObjectHeaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let value = fuzzText(bytes)
    if let range = ByteRange.parse(value) {
        for size: Int64 in [0, 1, 1000, Int64.max] {
            _ = range.resolve(size: size, standard: true)
            _ = range.resolve(size: size, standard: false)
        }
    }
    _ = try? CopySource.parse(value)
    if let canonical = try? ObjectTags.canonicalQuery(header: value) {
        let tags = ObjectTags.tags(ofQuery: canonical)
        fuzzCheck(ObjectTags.tags(ofQuery: ObjectTags.encode(tags)) == tags, "tags do not survive encoding")
    }
    _ = ObjectTags.tags(ofQuery: value)
    _ = try? StorageClass.parse(value)
    _ = try? ObjectACL.parse(value)
    _ = try? ContentMD5.verify(header: value, body: bytes)
    _ = MultipartFormParser.boundary(contentType: value)
    _ = try? UploadCallback.parseVariables(base64(bytes))
    if let query = QueryItem.parse(Substring(value)) {
        _ = try? ListUploadsRequest(query: query)
        _ = try? ListPartsRequest(query: query)
        _ = try? ListLiveChannelRequest(query: query)
        _ = try? VodRequest.parseTimes(query: query)
        _ = try? ListObjectsRequest(query: query)
    }
    if let decoded = PercentEncoding.decode(value) {
        let encoded = PercentEncoding.encodeRFC3986(decoded, keepSlash: false)
        fuzzCheck(PercentEncoding.decode(encoded) == decoded, "percent-encoding does not round-trip")
    }
    _ = try? VodRequest.splitKey(value)
    _ = NameRules.isValidBucketName(value)
    _ = NameRules.isValidObjectKey(value)
    _ = try? NameRules.validateChannelName(value)
    return 0
}
