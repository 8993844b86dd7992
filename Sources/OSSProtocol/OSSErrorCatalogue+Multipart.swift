/// Errors of the multipart upload operations, with OSS's codes and wording.
extension OSSError {
    public static func noSuchUpload(_ uploadId: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchUpload",
                 message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
                 details: [OSSErrorDetail(name: "UploadId", value: uploadId)])
    }

    /// A listed part that was never uploaded, or whose ETag is not the uploaded one.
    public static func invalidPart(uploadId: String, partNumber: Int, etag: String) -> OSSError {
        OSSError(status: 400, code: "InvalidPart",
                 message: "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
                 details: [OSSErrorDetail(name: "UploadId", value: uploadId),
                           OSSErrorDetail(name: "PartNumber", value: String(partNumber)),
                           OSSErrorDetail(name: "ETag", value: etag)])
    }

    public static func invalidPartOrder(uploadId: String) -> OSSError {
        OSSError(status: 400, code: "InvalidPartOrder",
                 message: "The list of parts was not in ascending order. Parts list must specified in order by part number.",
                 details: [OSSErrorDetail(name: "UploadId", value: uploadId)])
    }

    /// A part other than the last one below `MultipartLimits.minPartSize`.
    public static func entityTooSmall(partNumber: Int, size: Int64) -> OSSError {
        OSSError(status: 400, code: "EntityTooSmall",
                 message: "Your proposed upload smaller than the minimum allowed size.",
                 details: [OSSErrorDetail(name: "MinSizeAllowed", value: String(MultipartLimits.minPartSize)),
                           OSSErrorDetail(name: "ProposedSize", value: String(size)),
                           OSSErrorDetail(name: "PartNumber", value: String(partNumber))])
    }

    public static func invalidPartNumber(_ text: String) -> OSSError {
        .invalidArgument("Part number must be an integer between \(MultipartLimits.minPartNumber) and \(MultipartLimits.maxPartNumber), inclusive",
                         name: "partNumber", value: text)
    }

    /// An upload initiated with `?sequential` takes its parts in order.
    public static func partNotSequential(partNumber: Int, highest: Int) -> OSSError {
        OSSError(status: 400, code: "PartNotSequential",
                 message: "For sequential multipart upload, you must upload or complete parts with sequential part number (part \(partNumber) after part \(highest)).")
    }
}
