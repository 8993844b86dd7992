import OSSProtocol
import Storage
import Transport

/// ListMultipartUploads (GET /<bucket>?uploads).
extension BucketHandlers {
    func listMultipartUploads(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("ListMultipartUploads")
    }
}
