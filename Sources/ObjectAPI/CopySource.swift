import OSSProtocol
import Storage
import Transport

/// The source of CopyObject and UploadPartCopy: `x-oss-copy-source:
/// /<bucket>/<URL-encoded key>` (a `?versionId=` suffix is refused: versioning
/// is not emulated), and its `x-oss-copy-source-if-*` conditions.
struct CopySource: Equatable {
    var bucket: String
    var key: String

    static func parse(_ header: String) throws -> CopySource {
        var text = Substring(header)
        if text.first == "/" { text = text.dropFirst() }
        if let question = text.firstIndex(of: "?") {
            let suffix = text[text.index(after: question)...]
            if suffix.hasPrefix("versionId=") {
                throw OSSError.notImplemented("copying a version (versionId): versioning")
            }
            text = text[..<question]
        }
        guard let slash = text.firstIndex(of: "/"),
              let bucket = PercentEncoding.decode(text[..<slash]),
              let key = PercentEncoding.decode(text[text.index(after: slash)...]), !bucket.isEmpty, !key.isEmpty
        else {
            throw OSSError.invalidArgument(
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
                name: "x-oss-copy-source", value: header)
        }
        try NameRules.validateBucketName(bucket)
        try NameRules.validateObjectKey(key)
        return CopySource(bucket: bucket, key: key)
    }

    /// `x-oss-copy-source-if-match` / `-if-none-match` / `-if-unmodified-since`
    /// / `-if-modified-since`: a copy whose source fails one is 412
    /// PreconditionFailed, and one that is "not modified" is 304, as OSS answers.
    static func checkConditions(_ headers: HTTPHeaders, source: ObjectInfo) throws -> Preconditions.Outcome {
        var mapped: HTTPHeaders = [:]
        for (name, header) in [
            ("If-Match", "x-oss-copy-source-if-match"), ("If-None-Match", "x-oss-copy-source-if-none-match"),
            ("If-Unmodified-Since", "x-oss-copy-source-if-unmodified-since"),
            ("If-Modified-Since", "x-oss-copy-source-if-modified-since"),
        ] {
            if let value = headers[header] { mapped.add(name, value) }
        }
        return Preconditions.evaluate(mapped, etag: source.etag, lastModifiedSeconds: source.lastModified / 1000)
    }
}
