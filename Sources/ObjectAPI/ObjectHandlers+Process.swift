import OSSProtocol
import Storage
import Transport

/// `x-oss-process`: image and document processing are not emulated.
extension ObjectHandlers {
    func process(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("the 'x-oss-process' sub-resource")
    }
}
