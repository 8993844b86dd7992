/// Errors of the object operations beyond PUT/GET: tagging, CopyObject,
/// storage classes and RestoreObject, image processing. Codes and `EC` values
/// as OSS documents them.
extension OSSError {
    // MARK: Tagging

    /// A tag set that breaks OSS's rules (length, characters, count,
    /// duplicates): 400 InvalidTag, whose `EC` tells which rule.
    public static func invalidTag(_ message: String, ec: String) -> OSSError {
        OSSError(status: 400, code: "InvalidTag", message: message, ec: ec)
    }

    /// An `x-oss-tagging` header that is not `k1=v1&k2=v2`, URL-encoded.
    public static func invalidTaggingHeader(_ value: String) -> OSSError {
        .invalidArgument(
            "The header 'x-oss-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
            name: "x-oss-tagging", value: value, ec: "0010-00000219")
    }

    // MARK: CopyObject

    /// `x-oss-forbid-overwrite: true` and the key holds an object (any write).
    public static var fileAlreadyExists: OSSError {
        OSSError(status: 409, code: "FileAlreadyExists", message: "The object you specified already exists and can not be overwritten.")
    }

    // MARK: Storage classes and restore

    /// GetObject (or a copy) of an Archive, Cold Archive or Deep Cold Archive
    /// object that is not restored.
    public static func invalidObjectState(_ key: String) -> OSSError {
        OSSError(status: 403, code: "InvalidObjectState", message: "The operation is not valid for the object's state",
                 details: [OSSErrorDetail(name: "Key", value: key)], ec: "0016-00000404")
    }

    /// RestoreObject on a Standard or IA object.
    public static var restoreNotSupported: OSSError {
        OSSError(status: 400, code: "OperationNotSupported", message: "The operation is not supported for this resource",
                 ec: "0016-00000702")
    }

    /// RestoreObject while an earlier restore of the object is still running.
    public static var restoreAlreadyInProgress: OSSError {
        OSSError(status: 409, code: "RestoreAlreadyInProgress", message: "The restore operation is in progress.",
                 ec: "0016-00000701")
    }

    // MARK: Processing

    /// `x-oss-process` / `x-oss-async-process`: image, video and document
    /// processing are services beside OSS that the emulator does not run.
    public static func processingNotEmulated(_ parameter: String) -> OSSError {
        OSSError(status: 501, code: "NotImplemented",
                 message: "Data processing (\(parameter): image, video and document processing) is not emulated by oss-live-emulator.",
                 details: [OSSErrorDetail(name: "Parameter", value: parameter)])
    }
}
