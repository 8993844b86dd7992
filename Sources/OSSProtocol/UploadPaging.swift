/// ListMultipartUploads paging over every upload of a bucket.
extension UploadListing {
    /// `all` sorted by key (UTF-8 byte order), then upload ID (initiation
    /// order). Uploads after (`key-marker`, `upload-id-marker`) whose key
    /// starts with `prefix`; with a delimiter, keys holding it after the
    /// prefix fold into one common prefix each, counted once toward
    /// `max-uploads`. A common prefix at or before the key marker was
    /// listed on an earlier page and is skipped whole.
    public init(bucket: String, request: ListUploadsRequest, all: [UploadEntry]) {
        let prefix = Array(request.prefix.utf8)
        let delimiter = Array(request.delimiter.utf8)
        let keyMarker = Array(request.keyMarker.utf8)
        var uploads: [UploadEntry] = []
        var prefixes: [String] = []
        var lastKey = ""
        var lastUploadId = ""
        var truncated = false
        var count = 0
        for upload in all {
            let key = Array(upload.key.utf8)
            guard key.starts(with: prefix) else { continue }
            var group: [UInt8]?
            if !delimiter.isEmpty, let range = Self.firstRange(of: delimiter, in: key, from: prefix.count) {
                group = Array(key[..<range])
            }
            if let group {
                if !keyMarker.isEmpty && !keyMarker.lexicographicallyPrecedes(group) { continue }
                let text = String(decoding: group, as: UTF8.self)
                if prefixes.last == text { continue }
                if count == request.maxUploads { truncated = true; break }
                prefixes.append(text)
                lastKey = text
                lastUploadId = ""
            } else {
                if !keyMarker.isEmpty {
                    if key.lexicographicallyPrecedes(keyMarker) { continue }
                    if key == keyMarker && (request.uploadIdMarker.isEmpty || upload.uploadId <= request.uploadIdMarker) { continue }
                }
                if count == request.maxUploads { truncated = true; break }
                uploads.append(upload)
                lastKey = upload.key
                lastUploadId = upload.uploadId
            }
            count += 1
        }
        self.init(
            bucket: bucket, request: request, uploads: uploads, commonPrefixes: prefixes, isTruncated: truncated,
            nextKeyMarker: lastKey, nextUploadIdMarker: lastUploadId)
    }

    /// The end index of the first `needle` in `haystack` at or after `from`.
    static func firstRange(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = from
        while index + needle.count <= haystack.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }
}
