import OSSProtocol
import Storage
import Transport

/// PutObjectTagging, GetObjectTagging, DeleteObjectTagging (?tagging).
extension ObjectHandlers {
    func tagging(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("object tagging")
    }
}
