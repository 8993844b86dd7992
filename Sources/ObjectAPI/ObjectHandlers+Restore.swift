import OSSProtocol
import Storage
import Transport

/// RestoreObject (POST ?restore) for Archive, ColdArchive and DeepColdArchive objects.
extension ObjectHandlers {
    func restore(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        throw OSSError.notImplemented("RestoreObject")
    }
}
