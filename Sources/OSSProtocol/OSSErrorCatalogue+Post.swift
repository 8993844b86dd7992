/// Errors of upload callbacks and PostObject (browser form uploads).
extension OSSError {
    // MARK: Upload callbacks

    /// A callback parameter that cannot be used; answered before anything is written.
    public static func invalidCallback(_ message: String, name: String = "callback") -> OSSError {
        .invalidArgument(message, name: name)
    }

    /// The object is written but the callback server failed: OSS answers 203.
    public static func callbackFailed(_ message: String) -> OSSError {
        OSSError(status: 203, code: "CallbackFailed", message: message)
    }

    // MARK: PostObject

    public static func malformedPOSTRequest(_ why: String) -> OSSError {
        OSSError(status: 400, code: "MalformedPOSTRequest",
                 message: "The body of your POST request is not well-formed multipart/form-data: \(why)")
    }

    public static func maxPOSTPreDataLengthExceeded(limit: Int) -> OSSError {
        OSSError(status: 400, code: "MaxPOSTPreDataLengthExceeded",
                 message: "Your POST request fields preceeding the upload file was too large.",
                 details: [OSSErrorDetail(name: "MaxPOSTPreDataLengthAllowed", value: String(limit))])
    }

    public static func invalidPolicyDocument(_ why: String) -> OSSError {
        OSSError(status: 400, code: "InvalidPolicyDocument", message: "Invalid Policy: \(why)")
    }

    public static var policyExpired: OSSError {
        .accessDenied("Invalid according to Policy: Policy expired.")
    }

    public static func policyConditionFailed(_ condition: String) -> OSSError {
        .accessDenied("Invalid according to Policy: Policy Condition failed: \(condition)")
    }

    public static func postFieldMissing(_ field: String) -> OSSError {
        .invalidArgument("\(field) is required in the POST form.", name: field)
    }

    public static func formSignatureDoesNotMatch(accessKeyId: String) -> OSSError {
        OSSError(status: 403, code: "SignatureDoesNotMatch",
                 message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                 details: [OSSErrorDetail(name: "OSSAccessKeyId", value: accessKeyId)])
    }
}
