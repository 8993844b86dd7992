/// How the bucket was named in the request (spec §7.1).
public enum AddressingStyle: Sendable, Equatable {
    /// `http://host/<bucket>/<key>` (IP literals, base hosts).
    case path
    /// `http://<bucket>.host/<key>` (or a CNAME mapped to a bucket).
    case virtualHosted
}

/// What a request addresses: service, bucket or object, with its decoded query.
public struct RequestTarget: Sendable, Equatable {
    /// nil at service level (ListBuckets, `/_emulator/...`).
    public var bucket: String?
    /// Decoded once; nil at bucket level. `//` and `.` segments are kept as sent.
    public var key: String?
    /// The path as it was on the wire, before decoding.
    public var rawPath: String
    public var query: [QueryItem]
    public var style: AddressingStyle
    /// Host without port, lower-cased.
    public var host: String
    /// Whether the host names the emulator itself (a base host, an IP literal, a
    /// single-label name) rather than an OSS domain or a bucket.
    public var isEmulatorHost: Bool

    public init(bucket: String?, key: String?, rawPath: String, query: [QueryItem],
                style: AddressingStyle, host: String, isEmulatorHost: Bool? = nil) {
        self.bucket = bucket
        self.key = key
        self.rawPath = rawPath
        self.query = query
        self.style = style
        self.host = host
        self.isEmulatorHost = isEmulatorHost ?? (style == .path)
    }

    /// The path after `/_emulator` when the request is for the emulator's own
    /// endpoints; those exist only on a base host (path style), never under a bucket
    /// host nor on an OSS domain reached through a proxy.
    public var emulatorPath: String? {
        guard style == .path, isEmulatorHost, bucket == HostResolver.emulatorPrefix else { return nil }
        return "/" + (key ?? "")
    }
}
