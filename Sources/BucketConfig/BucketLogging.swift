import OSSProtocol

/// PutBucketLogging's `BucketLoggingStatus`: where access logs would go.
/// Stored and returned; the emulator writes no access logs.
public struct BucketLogging: Sendable, Equatable {
    /// Target prefixes are at most 32 bytes in OSS.
    public static let maxPrefixBytes = 32

    public var targetBucket: String
    public var targetPrefix: String

    public init(targetBucket: String, targetPrefix: String) {
        self.targetBucket = targetBucket
        self.targetPrefix = targetPrefix
    }

    /// nil when the document has no `LoggingEnabled` (OSS takes that as "turn logging off").
    public static func parse(_ body: [UInt8]) throws(OSSError) -> BucketLogging? {
        guard !body.isEmpty else { throw .malformedXML("the body is empty; expected a BucketLoggingStatus document") }
        let root = try XMLDocument.parse(body)
        guard root.name == "BucketLoggingStatus" else {
            throw .malformedXML("root element must be BucketLoggingStatus, not \(root.name)")
        }
        guard let enabled = root.child("LoggingEnabled") else { return nil }
        guard let target = enabled.text(of: "TargetBucket"), !target.isEmpty else {
            throw .malformedXML("LoggingEnabled without TargetBucket")
        }
        let prefix = enabled.text(of: "TargetPrefix") ?? ""
        guard prefix.utf8.count <= maxPrefixBytes else {
            throw .invalidArgument("TargetPrefix must be at most \(maxPrefixBytes) bytes.", name: "TargetPrefix", value: prefix)
        }
        return BucketLogging(targetBucket: target, targetPrefix: prefix)
    }

    /// GetBucketLogging's answer; an empty `BucketLoggingStatus` when logging is off.
    public static func document(_ logging: BucketLogging?) -> [UInt8] {
        var w = XMLWriter(root: "BucketLoggingStatus")
        if let logging {
            w.open("LoggingEnabled")
            w.element("TargetBucket", logging.targetBucket)
            w.element("TargetPrefix", logging.targetPrefix)
            w.close()
        }
        return w.finish()
    }
}
