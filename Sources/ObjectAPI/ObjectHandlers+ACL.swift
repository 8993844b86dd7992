import OSSProtocol
import Storage
import Transport

/// PutObjectACL and GetObjectACL (?acl).
extension ObjectHandlers {
    func objectACL(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("object ACL")
    }
}
