/// Refusals of a request's shape before any operation runs: headers it may
/// not carry, headers it lacks, a Host it cannot have, a security token the
/// credential does not go with. `EC` values as OSS documents them; where OSS
/// documents the situation but not its `Code`, the closest documented code.
extension OSSError {
    /// `x-oss-meta-*` headers (names and values) over the user metadata limit.
    /// OSS documents the limit and the `EC` (0011-00000002), not the `Code`.
    public static func userMetadataTooLarge(size: Int, limit: Int) -> OSSError {
        .invalidArgument("Your metadata headers exceed the maximum allowed metadata size (\(size) bytes, at most \(limit)).",
                         name: "x-oss-meta-*", value: String(size), ec: "0011-00000002")
    }

    /// A request without a header its operation requires (DeleteMultipleObjects
    /// without `Content-MD5`: EC 0016-00000606).
    public static func missingArgument(header: String, ec: String) -> OSSError {
        var error = OSSError.missingArgument(header: header)
        error.ec = ec
        return error
    }

    /// PutObject with `If-Match`, `If-None-Match`, `If-Modified-Since` or
    /// `If-Unmodified-Since`: OSS answers 400 NotImplemented naming the header
    /// (EC 0017-00000245).
    public static func conditionalPutNotImplemented(header: String) -> OSSError {
        OSSError(status: 400, code: "NotImplemented",
                 message: "A header you provided implies functionality that is not implemented.",
                 details: [OSSErrorDetail(name: "Header", value: header)], ec: "0017-00000245")
    }

    /// A `Host` header (or absolute-form authority) whose port is not a number
    /// from 0 to 65535.
    public static func invalidHostHeader(_ host: String) -> OSSError {
        .invalidArgument("The Host header has an invalid port.", name: "Host", value: host)
    }

    /// A security token that no configured STS credential carries.
    public static var invalidSecurityToken: OSSError {
        OSSError(status: 403, code: "InvalidSecurityToken", message: "The security token you provided is invalid.")
    }

    /// An STS credential used after its expiration (EC 0002-00000007).
    public static var securityTokenExpired: OSSError {
        var error = OSSError(status: 403, code: "SecurityTokenExpired", message: "The security token you provided has expired.")
        error.ec = "0002-00000007"
        return error
    }

    /// A security token that belongs to another AccessKeyId.
    public static var accessKeyIdAndSecurityTokenNotMatch: OSSError {
        OSSError(status: 403, code: "AccessKeyIdAndSecurityTokenNotMatch",
                 message: "The OSS access key id and security token you provided does not match.")
    }
}
