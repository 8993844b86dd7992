import OSSProtocol
import Storage
import Transport

/// Multipart upload: InitiateMultipartUpload, UploadPart, UploadPartCopy,
/// CompleteMultipartUpload, AbortMultipartUpload, ListParts.
extension ObjectHandlers {
    /// POST ?uploads
    func initiateMultipartUpload(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("InitiateMultipartUpload")
    }

    /// PUT ?partNumber&uploadId (UploadPart, or UploadPartCopy with x-oss-copy-source),
    /// POST ?uploadId (Complete), DELETE ?uploadId (Abort), GET ?uploadId (ListParts).
    func multipartUpload(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("multipart upload")
    }
}
