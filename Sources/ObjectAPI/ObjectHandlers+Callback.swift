import Digest
import OSSProtocol
import Storage
import Transport

/// Writes that carry an upload callback answer only after the callback
/// server has: they end in a `PendingUploadCallback` instead of a response.
extension ObjectHandlers {
    /// Sub-resources that make a PUT something other than PutObject.
    static let putSubresources = ["uploadId", "uploads", "append", "acl", "symlink", "tagging", "restore",
                                  "x-oss-process", "x-oss-async-process"]

    /// A PutObject or CompleteMultipartUpload carrying a callback (header, or
    /// query on a presigned URL): the callback is checked first (a bad one is
    /// a 400 and nothing is written), then the object is stored. nil for any
    /// other request, which `handle` serves.
    public func pendingCallback(_ context: RequestContext, bucket: String, key: String) throws -> PendingUploadCallback? {
        if context.method == "POST", let uploadId = context.query.value("uploadId"),
           let callback = try UploadCallback.from(headers: context.headers, query: context.query) {
            let (info, headers) = try multipartErrors { try storeComplete(context, bucket: bucket, key: key, uploadId: uploadId) }
            return Self.pending(callback, info: info, bucket: bucket, key: key, headers: headers,
                                operation: "CompleteMultipartUpload", contentMD5: "", context: context)
        }
        guard context.method == "PUT", context.headers["x-oss-copy-source"] == nil,
              !Self.putSubresources.contains(where: { context.query.has($0) }),
              let callback = try UploadCallback.from(headers: context.headers, query: context.query) else { return nil }
        let (info, headers) = try storePut(context, bucket: bucket, key: key)
        return Self.pending(callback, info: info, bucket: bucket, key: key, headers: headers,
                            operation: "PutObject", contentMD5: headers["Content-MD5"] ?? "", context: context)
    }

    /// The reusable last step of a write with a callback (PutObject, PostObject,
    /// CompleteMultipartUpload): the stored object and the headers of the
    /// write's own answer become the pending callback the front door sends.
    public static func pending(
        _ callback: UploadCallback, info: ObjectInfo, bucket: String, key: String, headers: HTTPHeaders,
        operation: String, contentMD5: String, context: RequestContext
    ) -> PendingUploadCallback {
        let uploadContext = UploadCallbackContext(
            bucket: bucket, object: key, etag: info.etag, size: info.size, mimeType: info.metadata.contentType,
            crc64: info.crc64, contentMD5: contentMD5, clientIP: Self.clientIP(context.request.remoteAddress),
            requestId: context.respond.requestId, operation: operation)
        return PendingUploadCallback(callback: callback, context: uploadContext, headers: headers, responder: context.respond)
    }

    /// `1.2.3.4:5678` → `1.2.3.4`, `[::1]:80` → `::1`.
    static func clientIP(_ remote: String) -> String {
        if remote.hasPrefix("["), let close = remote.firstIndex(of: "]") {
            return String(remote[remote.index(after: remote.startIndex)..<close])
        }
        guard let colon = remote.lastIndex(of: ":") else { return remote }
        return String(remote[..<colon])
    }
}
