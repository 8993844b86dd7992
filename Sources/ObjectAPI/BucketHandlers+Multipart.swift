import OSSProtocol
import Storage
import Transport

/// ListMultipartUploads (GET /<bucket>?uploads).
extension BucketHandlers {
    func listMultipartUploads(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        let request = try ListUploadsRequest(query: context.query)
        let uploads = try store.listMultipartUploads(bucket: bucket).map {
            UploadEntry(key: $0.key, uploadId: $0.uploadId, initiated: $0.initiated / 1000)
        }
        return context.respond.xml(UploadListing(bucket: bucket, request: request, all: uploads).xml())
    }
}
