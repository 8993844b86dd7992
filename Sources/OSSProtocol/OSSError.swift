import Digest

/// One extra child of an OSS `<Error>` body (e.g. `BucketName`, `StringToSign`).
public struct OSSErrorDetail: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An OSS error response: HTTP status, `Code`, `Message` and the extra children
/// real OSS adds (spec §1.6). SDKs map (status, Code) to exception classes, so
/// the factories in `OSSErrorCatalogue.swift` fix both per situation.
public struct OSSError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra children, written in order after `HostId`.
    public var details: [OSSErrorDetail]
    /// Newer OSS adds an `EC` element (Go reads it, Python keeps it).
    public var ec: String?
    /// What went wrong inside the server (file paths, system errors): for the
    /// log only, never written into an answer.
    public var logDetail: String?

    public init(status: Int, code: String, message: String, details: [OSSErrorDetail] = [], ec: String? = nil,
                logDetail: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.ec = ec
        self.logDetail = logDetail
    }

    /// The value of the first detail called `name`.
    public func detail(_ name: String) -> String? {
        details.first { $0.name == name }?.value
    }

    /// Value for the `x-oss-err` header of a HEAD error response (which has no body):
    /// Go and Python decode it to report the real Code instead of a bare status.
    public func errHeaderValue(requestId: String, hostId: String) -> String {
        Base64.encode(xmlBody(requestId: requestId, hostId: hostId))
    }

    /// The `<Error>` document; the root must be `Error` for the Go SDK.
    public func xmlBody(requestId: String, hostId: String) -> [UInt8] {
        var writer = XMLWriter(root: "Error")
        writer.element("Code", code)
        writer.element("Message", message)
        writer.element("RequestId", requestId)
        writer.element("HostId", hostId)
        for detail in details {
            writer.element(detail.name, detail.value)
        }
        if let ec {
            writer.element("EC", ec)
        }
        return writer.finish()
    }
}
