/// Finds bucket and key from the Host header and the request target (spec §7.2).
public struct HostResolver: Sendable {
    /// First path segment reserved for the emulator's own endpoints.
    public static let emulatorPrefix = "_emulator"

    public let baseHosts: [String]
    /// Custom domains that stand for one bucket; the whole path is the key.
    public let cnames: [String: String]

    /// `baseHosts` are matched without port and case-insensitively; IP literals are
    /// always path style whether listed or not.
    public init(baseHosts: [String], cnames: [String: String] = [:]) {
        self.baseHosts = baseHosts.map { HostResolver.hostWithoutPort($0).lowercased() }
        var lowered: [String: String] = [:]
        for (host, bucket) in cnames { lowered[HostResolver.hostWithoutPort(host).lowercased()] = bucket }
        self.cnames = lowered
    }

    /// `requestTarget` is origin-form (`/bucket/key?x`) or absolute-form
    /// (`http://bucket.host/key?x`, whose host then wins over the Host header).
    public func resolve(hostHeader: String?, requestTarget: String) throws(OSSError) -> RequestTarget {
        var target = Substring(requestTarget)
        var hostPart = hostHeader ?? ""
        if let schemeEnd = HostResolver.absoluteFormSchemeEnd(target) {
            let afterScheme = target[schemeEnd...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            var authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            hostPart = String(authority)
            let rest = afterScheme[authorityEnd...]
            target = rest.first == "?" ? "/" + rest : (rest.isEmpty ? "/" : rest)
        }
        guard target.first == "/" else { throw .invalidURI(requestTarget) }
        guard HostResolver.hasValidPort(hostPart) else { throw .invalidHostHeader(hostPart) }

        // Printable ASCII (what SDKs send, percent-encoded) is split by bytes; anything
        // else by characters, where a mark after `?` or `/` joins it.
        let ascii = HostResolver.isPlainASCII(target)
        let queryStart = HostResolver.firstIndex(of: "?", in: target, ascii: ascii)
        let rawPath = queryStart.map { target[..<$0] } ?? target
        let query: [QueryItem]
        if let queryStart {
            guard let items = QueryItem.parse(target[HostResolver.index(after: queryStart, in: target, ascii: ascii)...]) else {
                throw .invalidURI(requestTarget)
            }
            query = items
        } else {
            query = []
        }

        let host = HostResolver.lowercasedHost(HostResolver.hostWithoutPort(hostPart))
        let afterSlash = rawPath[HostResolver.index(after: rawPath.startIndex, in: rawPath, ascii: ascii)...]

        if let bucket = virtualHostBucket(host) {
            guard let key = PercentEncoding.decode(afterSlash) else { throw .invalidURI(requestTarget) }
            return RequestTarget(bucket: bucket, key: key.isEmpty ? nil : key, rawPath: String(rawPath),
                                 query: query, style: .virtualHosted, host: host)
        }

        // Path style: the first segment names the bucket, the rest (decoded once) is the key.
        let slash = HostResolver.firstIndex(of: "/", in: afterSlash, ascii: ascii)
        let rawBucket = slash.map { afterSlash[..<$0] } ?? afterSlash
        let rawKey = slash.map { afterSlash[HostResolver.index(after: $0, in: afterSlash, ascii: ascii)...] } ?? ""
        guard let bucket = PercentEncoding.decode(rawBucket), let key = PercentEncoding.decode(rawKey) else {
            throw .invalidURI(requestTarget)
        }
        // Path style also serves OSS region endpoints reached through a proxy; those are not
        // the emulator's own host unless configured as a base host.
        let emulatorHost = !HostResolver.isOSSEndpoint(host) || baseHosts.contains(host)
        return RequestTarget(bucket: bucket.isEmpty ? nil : bucket, key: key.isEmpty ? nil : key,
                             rawPath: String(rawPath), query: query, style: .path, host: host, isEmulatorHost: emulatorHost)
    }

    /// The bucket a host (without port, lower-cased) names by itself, or nil when the
    /// bucket comes from the path (IP literals, base hosts, single-label hosts).
    public func virtualHostBucket(_ host: String) -> String? {
        if host.isEmpty || HostResolver.isIPLiteral(host) || baseHosts.contains(host) { return nil }
        // The region endpoint itself (`oss-cn-hangzhou.aliyuncs.com`) serves ListBuckets and
        // path-style requests; its first label is not a bucket.
        if HostResolver.isOSSEndpoint(host) { return nil }
        for base in baseHosts where HostResolver.hasDottedSuffix(host, base) {
            let bucket = host.dropLast(base.utf8.count + 1)
            return bucket.isEmpty ? nil : String(bucket)
        }
        if let bucket = cnames[host] { return bucket }
        // Any other dotted host: its first label is the bucket (`bucket.oss-cn-x.aliyuncs.com:port`).
        // A single-label host (a container name) has nothing left for an endpoint, so it is path style.
        guard let dot = host.firstIndex(of: "."), dot != host.startIndex else { return nil }
        return String(host[..<dot])
    }

    /// Parent domains of Alibaba Cloud OSS endpoints.
    public static let ossEndpointDomains = ["aliyuncs.com", "aliyun-inc.com"]

    /// Whether `host` (lower-case, no port) is an OSS service endpoint rather than a
    /// bucket host: `oss-<region>[-internal].aliyuncs.com`, `oss-accelerate.aliyuncs.com`,
    /// `oss.aliyuncs.com` or the dual-stack `<region>.oss.aliyuncs.com`.
    public static func isOSSEndpoint(_ host: String) -> Bool {
        for domain in ossEndpointDomains where hasDottedSuffix(host, domain) {
            let labels = host.dropLast(domain.utf8.count + 1).split(separator: ".", omittingEmptySubsequences: false)
            switch labels.count {
            case 1: return labels[0] == "oss" || (labels[0].hasPrefix("oss-") && labels[0].count > 4)
            case 2: return labels[1] == "oss" && !labels[0].isEmpty
            default: return false
            }
        }
        return false
    }

    /// Index just after `http://` or `https://` (any case), if the target is absolute-form.
    static func absoluteFormSchemeEnd(_ target: Substring) -> Substring.Index? {
        // Origin form (`/…`) cannot be either; only `h`, `H` or a non-ASCII letter can lower-case to `h`.
        guard let first = target.utf8.first, first | 0x20 == UInt8(ascii: "h") || first >= 0x80 else { return nil }
        for scheme in ["http://", "https://"] {
            if target.utf8.count >= scheme.utf8.count,
               target.prefix(scheme.count).lowercased() == scheme {
                return target.index(target.startIndex, offsetBy: scheme.count)
            }
        }
        return nil
    }

    /// Strips `:port`; keeps a bracketed IPv6 literal with its brackets.
    public static func hostWithoutPort(_ hostPort: String) -> String {
        let bytes = hostPort.utf8
        guard isPlainASCII(hostPort) else { return hostWithoutPortByCharacters(hostPort) }
        // Plain ASCII: every byte is a character, so byte positions are character positions.
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return hostPort }
            return String(hostPort[...close])
        }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) { return String(hostPort[..<colon]) }
        return hostPort
    }

    private static func hostWithoutPortByCharacters(_ hostPort: String) -> String {
        let trimmed = Substring(hostPort)
        if trimmed.first == "[" {
            guard let close = trimmed.firstIndex(of: "]") else { return String(trimmed) }
            return String(trimmed[...close])
        }
        if let colon = trimmed.lastIndex(of: ":") { return String(trimmed[..<colon]) }
        return String(trimmed)
    }

    /// `host.lowercased()`, without building a new string when it has no upper-case letter.
    public static func lowercasedHost(_ host: String) -> String {
        if isPlainASCII(host), !host.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            return host
        }
        return host.lowercased()
    }

    /// Whether what follows the host in `host[:port]` is nothing, or `:` and
    /// a decimal port of 0–65535 (RFC 3986 §3.2.3 allows an empty one).
    public static func hasValidPort(_ hostPort: String) -> Bool {
        guard isPlainASCII(hostPort) else { return hasValidPortByCharacters(hostPort) }
        let bytes = hostPort.utf8
        var rest = bytes[...]
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return true }
            rest = bytes[bytes.index(after: close)...]
            guard let colon = rest.first else { return true }
            guard colon == UInt8(ascii: ":") else { return false }
            rest = rest.dropFirst()
        } else if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) {
            rest = bytes[bytes.index(after: colon)...]
        } else {
            return true
        }
        guard rest.count <= maxPortDigits else { return false }
        var port = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            port = port * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return port <= Int(UInt16.max)
    }

    private static func hasValidPortByCharacters(_ hostPort: String) -> Bool {
        var rest = Substring(hostPort)
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return true }
            rest = rest[rest.index(after: close)...]
            guard let colon = rest.first else { return true }
            guard colon == ":" else { return false }
            rest = rest.dropFirst()
        } else if let colon = rest.lastIndex(of: ":") {
            rest = rest[rest.index(after: colon)...]
        } else {
            return true
        }
        guard rest.count <= maxPortDigits, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return rest.isEmpty || (Int(rest) ?? Int.max) <= Int(UInt16.max)
    }

    /// Digits a port may have (`65535`).
    static let maxPortDigits = 5

    /// Dotted-quad IPv4 or a bracketed IPv6 literal.
    public static func isIPLiteral(_ host: String) -> Bool {
        guard isPlainASCII(host) else { return isIPLiteralByCharacters(host) }
        let bytes = host.utf8
        if bytes.first == UInt8(ascii: "[") && bytes.last == UInt8(ascii: "]") && bytes.count > 2 {
            let inner = bytes.dropFirst().dropLast()
            return inner.contains(UInt8(ascii: ":")) && inner.allSatisfy { byte in
                isHexDigit(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "%")
            }
        }
        var parts = 0
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, value <= 255 else { return false }
                parts += 1
                digits = 0
                value = 0
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
                digits += 1
                guard digits <= 3 else { return false }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        return parts == 3 && digits > 0 && value <= 255
    }

    private static func isIPLiteralByCharacters(_ host: String) -> Bool {
        if host.first == "[" && host.last == "]" && host.count > 2 {
            let inner = host.dropFirst().dropLast()
            return inner.contains(":") && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber }
                && (Int(part) ?? 256) <= 255
        }
    }

    /// `host` ends in `.` + `suffix` (no string built for the comparison).
    static func hasDottedSuffix(_ host: String, _ suffix: String) -> Bool {
        guard isPlainASCII(host), isPlainASCII(suffix) else { return host.hasSuffix("." + suffix) }
        let hostBytes = host.utf8
        let suffixBytes = suffix.utf8
        guard hostBytes.count > suffixBytes.count else { return false }
        let start = hostBytes.index(hostBytes.endIndex, offsetBy: -suffixBytes.count)
        return hostBytes[hostBytes.index(before: start)] == UInt8(ascii: ".")
            && hostBytes[start...].elementsEqual(suffixBytes)
    }

    private static func firstIndex(of separator: Character, in text: Substring, ascii: Bool) -> Substring.Index? {
        guard ascii, let byte = separator.asciiValue else { return text.firstIndex(of: separator) }
        return text.utf8.firstIndex(of: byte)
    }

    private static func index(after index: Substring.Index, in text: Substring, ascii: Bool) -> Substring.Index {
        ascii ? text.utf8.index(after: index) : text.index(after: index)
    }

    /// Printable ASCII only: there every byte is one character (no CR LF
    /// pair, no combining mark), so byte and character reading agree.
    static func isPlainASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
    }

    static func isPlainASCII(_ text: Substring) -> Bool {
        var text = text
        return text.withUTF8 { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }
}
