/// The errors of the lifecycle, tagging, logging, policy and capacity
/// sub-resources, with the status and `Code` OSS answers.
extension OSSError {
    public static func noSuchLifecycle(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchLifecycle", message: "No Row found in Lifecycle Table.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func noSuchBucketPolicy(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchBucketPolicy", message: "The bucket policy does not exist.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    /// A PutBucketLogging target bucket that does not exist (OSS names it in the message).
    public static func invalidTargetBucketForLogging(_ target: String) -> OSSError {
        OSSError(status: 400, code: "InvalidTargetBucketForLogging", message: "The target bucket for logging does not exist.",
                 details: [OSSErrorDetail(name: "TargetBucket", value: target)])
    }

    /// A policy document that is not JSON or not a policy.
    public static func invalidPolicyDocument(policy why: String) -> OSSError {
        OSSError(status: 400, code: "InvalidPolicyDocument", message: "Invalid policy document: \(why)")
    }

    /// A lifecycle rule whose parts conflict (OSS answers InvalidRequest for mixed time kinds).
    public static func invalidLifecycleRequest(_ message: String) -> OSSError {
        OSSError(status: 400, code: "InvalidRequest", message: message)
    }

    public static func invalidBucketTag(_ message: String) -> OSSError {
        OSSError(status: 400, code: "InvalidTag", message: message)
    }

    /// Versioning and the lifecycle elements that need it are outside the emulation.
    public static var versioningNotEmulated: OSSError {
        OSSError(status: 501, code: "NotImplemented",
                 message: "Bucket versioning is not emulated: buckets keep one version of each object.")
    }
}
