/// An access key the emulator accepts. With a `securityToken` (STS) the request
/// must carry the same token.
public struct Credential: Sendable, Equatable {
    public var accessKeyId: String
    public var accessKeySecret: String
    public var securityToken: String?
    /// When an STS credential stops working (epoch seconds, on the emulator's clock); nil: never.
    public var expiration: Int64?

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
        self.expiration = expiration
    }
}

/// The parts of an HTTP request that signatures cover.
public struct SignableRequest: Sendable {
    public var method: String
    public var bucket: String?
    /// Decoded key; nil or "" at bucket level.
    public var key: String?
    public var query: [QueryItem]
    /// As received: any case, duplicates possible.
    public var headers: [(name: String, value: String)]

    public init(method: String, bucket: String?, key: String?, query: [QueryItem],
                headers: [(name: String, value: String)]) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
    }

    /// First value of a header, name matched case-insensitively, trimmed.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        guard let found = headers.first(where: { $0.name.lowercased() == lowered }) else { return nil }
        return SignableRequest.trim(found.value)
    }

    /// Headers with lower-cased names and trimmed values; for a repeated name the
    /// first value wins (what the Go SDK signs).
    func normalizedHeaders() -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            if out[lowered] == nil { out[lowered] = SignableRequest.trim(value) }
        }
        return out
    }

    static func trim(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// Who made a request.
public enum AuthResult: Sendable, Equatable {
    case anonymous
    case signed(accessKeyId: String)
}

/// Equal-length comparison that does not stop at the first difference.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for index in 0..<x.count { diff |= x[index] ^ y[index] }
    return diff == 0
}
