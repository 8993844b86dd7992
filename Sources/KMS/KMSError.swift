/// An error answer of the KMS RPC API: JSON `{"RequestId","HostId","Code","Message"}`
/// with the HTTP status, which the Alibaba Cloud SDKs raise as a server exception.
public struct KMSError: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func missing(_ name: String) -> KMSError {
        KMSError(status: 400, code: "MissingParameter", message: "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.")
    }
    static func invalid(_ name: String) -> KMSError {
        KMSError(status: 400, code: "InvalidParameter", message: "The specified parameter \"\(name)\" is not valid.")
    }
    static let incompleteSignature = KMSError(
        status: 400, code: "IncompleteSignature", message: "The request signature does not conform to Aliyun standards.")
    /// The SDK compares the text after the colon with its own string to sign
    /// and, when equal, reports `InvalidAccessKeySecret`.
    static func signatureDoesNotMatch(stringToSign: String) -> KMSError {
        KMSError(status: 400, code: "SignatureDoesNotMatch",
                 message: "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign)
    }
    static let accessKeyNotFound = KMSError(
        status: 404, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found.")
    static let keyNotFound = KMSError(status: 404, code: "Forbidden.KeyNotFound", message: "The specified Key is not found.")
    /// A blob that is not this emulator's, or whose key id or encryption context does not authenticate.
    static let invalidCiphertext = KMSError(
        status: 400, code: "InvalidParameter", message: "The specified parameter \"CiphertextBlob\" or \"EncryptionContext\" is not valid.")
    static func unsupportedAction(_ action: String) -> KMSError {
        KMSError(status: 400, code: "InvalidAction.NotFound", message: "Specified api \(action) is not found, please check your url and method.")
    }
    static let internalFailure = KMSError(status: 500, code: "InternalFailure", message: "The request processing has failed due to some unknown error.")
}
