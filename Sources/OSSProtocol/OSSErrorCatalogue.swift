import Digest

/// Every error the emulator emits, with the status and `Code` the SDKs expect
/// (spec §1.6, §4, §8). Messages follow OSS wording where it is known.
extension OSSError {
    // MARK: Not found

    public static func noSuchBucket(_ bucket: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func noSuchKey(_ key: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchKey", message: "The specified key does not exist.",
                 details: [OSSErrorDetail(name: "Key", value: key)])
    }

    public static func noSuchLiveChannel(_ channel: String) -> OSSError {
        OSSError(status: 404, code: "NoSuchLiveChannel", message: "The specified live channel does not exist.",
                 details: [OSSErrorDetail(name: "LiveChannel", value: channel)])
    }

    // MARK: Conflicts

    public static func bucketAlreadyExists(_ bucket: String) -> OSSError {
        OSSError(status: 409, code: "BucketAlreadyExists",
                 message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func bucketNotEmpty(_ bucket: String) -> OSSError {
        OSSError(status: 409, code: "BucketNotEmpty", message: "The bucket you tried to delete is not empty.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func channelStillLive(_ channel: String) -> OSSError {
        OSSError(status: 409, code: "ChannelStillLive",
                 message: "Live channel couldn't be updated or deleted when channel is live",
                 details: [OSSErrorDetail(name: "LiveChannel", value: channel)])
    }

    public static func liveChannelDisabled(_ channel: String) -> OSSError {
        OSSError(status: 409, code: "LiveChannelDisabled", message: "Live channel is disabled by owner",
                 details: [OSSErrorDetail(name: "LiveChannel", value: channel)])
    }

    // MARK: Bad names and arguments

    public static func invalidBucketName(_ bucket: String) -> OSSError {
        OSSError(status: 400, code: "InvalidBucketName", message: "The specified bucket is not valid.",
                 details: [OSSErrorDetail(name: "BucketName", value: bucket)])
    }

    public static func invalidObjectName(_ key: String) -> OSSError {
        OSSError(status: 400, code: "InvalidObjectName", message: "The specified object is not valid.",
                 details: [OSSErrorDetail(name: "ObjectName", value: key)])
    }

    public static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil,
                                       ec: String? = nil) -> OSSError {
        var details: [OSSErrorDetail] = []
        if let name { details.append(OSSErrorDetail(name: "ArgumentName", value: name)) }
        if let value { details.append(OSSErrorDetail(name: "ArgumentValue", value: value)) }
        return OSSError(status: 400, code: "InvalidArgument", message: message, details: details, ec: ec)
    }

    /// A request target that is not a valid origin- or absolute-form URI, or has bad percent-encoding.
    public static func invalidURI(_ uri: String) -> OSSError {
        OSSError(status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.",
                 details: [OSSErrorDetail(name: "URI", value: uri)])
    }

    public static func malformedXML(_ message: String) -> OSSError {
        OSSError(status: 400, code: "MalformedXML",
                 message: "The XML you provided was not well-formed or did not validate against our published schema: \(message)")
    }

    /// Content-MD5 that is not Base64 of 16 bytes, or does not match the body.
    public static func invalidDigest(provided: String, calculated: String? = nil) -> OSSError {
        var details = [OSSErrorDetail(name: "ContentMD5", value: provided)]
        if let calculated { details.append(OSSErrorDetail(name: "CalculatedDigest", value: calculated)) }
        return OSSError(status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified is not valid.",
                        details: details)
    }

    public static var entityTooLarge: OSSError {
        OSSError(status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size.")
    }

    public static func entityTooLarge(maxSize: Int64) -> OSSError {
        var error = OSSError.entityTooLarge
        error.details = [OSSErrorDetail(name: "MaxSizeAllowed", value: String(maxSize))]
        return error
    }

    public static func badRequest(_ message: String) -> OSSError {
        OSSError(status: 400, code: "InvalidRequest", message: message)
    }

    public static var missingContentLength: OSSError {
        OSSError(status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header.")
    }

    // MARK: Access

    public static func accessDenied(_ message: String) -> OSSError {
        OSSError(status: 403, code: "AccessDenied", message: message)
    }

    public static func invalidAccessKeyId(_ accessKeyId: String) -> OSSError {
        OSSError(status: 403, code: "InvalidAccessKeyId",
                 message: "The OSS Access Key Id you provided does not exist in our records.",
                 details: [OSSErrorDetail(name: "OSSAccessKeyId", value: accessKeyId)])
    }

    /// `requestTime` is the signing time as the client wrote it; both times are echoed.
    public static func requestTimeTooSkewed(requestTime: String, serverTime: Int64, maxAllowedSkewSeconds: Int64) -> OSSError {
        OSSError(status: 403, code: "RequestTimeTooSkewed",
                 message: "The difference between the request time and the current time is too large.",
                 details: [OSSErrorDetail(name: "RequestTime", value: requestTime),
                           OSSErrorDetail(name: "ServerTime", value: OSSTime.iso8601(serverTime)),
                           OSSErrorDetail(name: "MaxAllowedSkewMilliseconds", value: String(maxAllowedSkewSeconds.multipliedReportingOverflow(by: 1000).partialValue))])
    }

    /// A presigned URL whose validity ended.
    public static func requestExpired(expires: String, serverTime: Int64) -> OSSError {
        OSSError(status: 403, code: "AccessDenied", message: "Request has expired.",
                 details: [OSSErrorDetail(name: "Expires", value: expires),
                           OSSErrorDetail(name: "ServerTime", value: OSSTime.iso8601(serverTime))])
    }

    /// Shows the server's string-to-sign so users can diff it against their own.
    public static func signatureDoesNotMatch(stringToSign: String, provided: String, accessKeyId: String,
                                             canonicalRequest: String? = nil) -> OSSError {
        var details = [
            OSSErrorDetail(name: "StringToSign", value: stringToSign),
            OSSErrorDetail(name: "SignatureProvided", value: provided),
            OSSErrorDetail(name: "StringToSignBytes", value: spacedHex(Array(stringToSign.utf8))),
        ]
        if let canonicalRequest {
            details.append(OSSErrorDetail(name: "CanonicalRequest", value: canonicalRequest))
            details.append(OSSErrorDetail(name: "CanonicalRequestBytes", value: spacedHex(Array(canonicalRequest.utf8))))
        }
        details.append(OSSErrorDetail(name: "OSSAccessKeyId", value: accessKeyId))
        return OSSError(status: 403, code: "SignatureDoesNotMatch",
                        message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                        details: details)
    }

    static func spacedHex(_ bytes: [UInt8]) -> String {
        bytes.map { Hex.encode([$0]) }.joined(separator: " ")
    }

    // MARK: Method and range

    public static var methodNotAllowed: OSSError {
        OSSError(status: 405, code: "MethodNotAllowed", message: "The specified method is not allowed against this resource.")
    }

    public static func methodNotAllowed(method: String, resourceType: String) -> OSSError {
        var error = OSSError.methodNotAllowed
        error.details = [OSSErrorDetail(name: "Method", value: method),
                         OSSErrorDetail(name: "ResourceType", value: resourceType)]
        return error
    }

    public static func notImplemented(_ what: String) -> OSSError {
        OSSError(status: 501, code: "NotImplemented",
                 message: "A header or query you provided implies functionality that is not implemented.",
                 details: [OSSErrorDetail(name: "Header", value: what)])
    }

    public static var invalidRange: OSSError {
        OSSError(status: 416, code: "InvalidRange", message: "The requested range is not satisfiable.")
    }

    public static func invalidRange(objectSize: Int64) -> OSSError {
        var error = OSSError.invalidRange
        error.details = [OSSErrorDetail(name: "ActualObjectSize", value: String(objectSize))]
        return error
    }

    public static var preconditionFailed: OSSError {
        OSSError(status: 412, code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold.")
    }

    // MARK: Server

    /// The answer carries a generic message (OSS says no more, and `message`
    /// may hold server paths); `message` goes to the log with the request id.
    public static func internalError(_ message: String) -> OSSError {
        OSSError(status: 500, code: "InternalError", message: "We encountered an internal error. Please try again.",
                 logDetail: message)
    }
}
