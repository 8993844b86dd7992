import OSSProtocol
import Storage
import Transport

/// AppendObject (POST ?append&position=N).
extension ObjectHandlers {
    func append(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("AppendObject")
    }
}
