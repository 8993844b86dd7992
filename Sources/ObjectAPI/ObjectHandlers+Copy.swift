import OSSProtocol
import Storage
import Transport

/// CopyObject (PUT with x-oss-copy-source).
extension ObjectHandlers {
    func copy(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("CopyObject")
    }
}
