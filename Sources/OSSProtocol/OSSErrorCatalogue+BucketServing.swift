/// Errors of bucket CORS, referer, website and encryption configurations.
extension OSSError {
    public static func noSuchCORSConfiguration(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchCORSConfiguration", message: "The CORS configuration does not exist.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func noSuchWebsiteConfiguration(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchWebsiteConfiguration", message: "The specified bucket does not have a website configuration.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func noSuchServerSideEncryptionRule(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchServerSideEncryptionRule", message: "The server side encryption configuration was not found.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    /// A preflight no CORS rule of the bucket allows (OSS's wording, spelling included).
    public static let corsNotAllowed = OSSError(
        status: 403, code: "AccessForbidden",
        message: "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")

    /// A request the bucket's hotlink protection refuses; `ec` says why.
    public static func refererDenied(bucket: String, ec: String) -> OSSError {
        OSSError(status: 403, code: "AccessDenied", message: "You are denied by bucket referer policy.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)], ec: ec)
    }
}
