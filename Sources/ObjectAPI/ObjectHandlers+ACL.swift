import OSSProtocol
import Storage
import Transport

/// PutObjectACL and GetObjectACL (?acl). The ACL is an attribute of the
/// object: changing it rewrites no bytes and keeps Last-Modified, as OSS.
extension ObjectHandlers {
    func objectACL(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        switch context.method {
        case "PUT":
            guard let value = context.headers["x-oss-object-acl"] else {
                throw OSSError.invalidArgument(
                    "no such object access control exists", name: "x-oss-object-acl", value: "")
            }
            let acl = try ObjectACL.parse(value)
            try store.updateMetadata(bucket: bucket, key: key) { $0.objectACL = acl }
            return context.respond.response()
        case "GET":
            let info = try store.objectInfo(bucket: bucket, key: key)
            return context.respond.xml(
                ObjectACLXML.accessControlPolicy(owner: owner, acl: info.metadata.objectACL ?? "default"))
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
    }
}
