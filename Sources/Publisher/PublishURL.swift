/// An `rtmp://host[:port]/app/stream[?query]` publish URL split the way
/// FFmpeg splits it: the stream name is the last path segment plus the
/// query, the application everything before it.
public struct PublishURL: Sendable, Equatable {
    public static let defaultPort: UInt16 = 1935
    /// Replaced by the stream number when one URL template names many streams.
    public static let streamNumberPlaceholder = "{n}"

    public var host: String
    public var port: UInt16
    public var app: String
    public var streamName: String

    /// What `connect` carries as tcUrl: scheme, authority and application.
    public var tcUrl: String {
        let authority = host.contains(":") ? "[\(host)]" : host
        return "rtmp://\(authority):\(port)/\(app)"
    }

    /// The URL without query values (they hold signatures), for messages.
    public var redacted: String {
        var name = streamName
        if let mark = name.firstIndex(of: "?") { name = String(name[..<mark]) + "?…" }
        return "\(tcUrl)/\(name)"
    }

    public enum Failure: Error, Sendable, CustomStringConvertible, Equatable {
        case notRTMP(String)
        case missingHost
        case badPort(String)
        case missingStreamName

        public var description: String {
            switch self {
            case .notRTMP(let scheme): return "the URL must start with rtmp:// (found '\(scheme)')"
            case .missingHost: return "the URL has no host"
            case .badPort(let port): return "'\(port)' is not a port number"
            case .missingStreamName: return "the URL needs an application and a stream name: rtmp://HOST[:PORT]/APP/STREAM"
            }
        }
    }

    public init(host: String, port: UInt16, app: String, streamName: String) {
        self.host = host
        self.port = port
        self.app = app
        self.streamName = streamName
    }

    public init(parsing text: String) throws(Failure) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw .notRTMP(text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "rtmp" else { throw .notRTMP(scheme) }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var pathAndQuery = rest[authorityEnd...]
        if pathAndQuery.hasPrefix("/") { pathAndQuery = pathAndQuery.dropFirst() }

        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .missingHost }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw .missingHost }
        host = String(hostPart)
        if let portText {
            guard let number = UInt16(portText), number > 0 else { throw .badPort(String(portText)) }
            port = number
        } else {
            port = Self.defaultPort
        }

        let queryStart = pathAndQuery.firstIndex(of: "?") ?? pathAndQuery.endIndex
        let path = pathAndQuery[..<queryStart]
        let query = pathAndQuery[queryStart...]
        guard let slash = path.lastIndex(of: "/") else { throw .missingStreamName }
        app = String(path[..<slash])
        let name = path[path.index(after: slash)...]
        guard !app.isEmpty, !name.isEmpty else { throw .missingStreamName }
        streamName = String(name) + query
    }

    /// The URL for stream number `number` of a many-stream run.
    public static func expand(_ template: String, number: Int) -> String {
        template.replacing(streamNumberPlaceholder, with: String(number))
    }
}
