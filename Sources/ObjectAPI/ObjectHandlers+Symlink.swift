import OSSProtocol
import Storage
import Transport

/// PutSymlink and GetSymlink (?symlink).
extension ObjectHandlers {
    func symlink(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("symlinks")
    }
}
