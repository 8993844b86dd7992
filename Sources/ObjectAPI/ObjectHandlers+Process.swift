import OSSProtocol
import Storage
import Transport

/// `x-oss-process` and `x-oss-async-process` (image, video and document
/// processing): not emulated. A missing bucket or object is reported first,
/// as OSS does; otherwise the answer is 501 NotImplemented, naming what is
/// missing, rather than the unprocessed bytes a caller would mistake for a
/// processed result.
extension ObjectHandlers {
    func process(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let parameter = context.query.has("x-oss-async-process") ? "x-oss-async-process" : "x-oss-process"
        _ = try store.objectInfo(bucket: bucket, key: key)
        throw OSSError.processingNotEmulated(parameter)
    }
}
