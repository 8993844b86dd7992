public struct HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request-target exactly as on the wire: origin form (`/b/k?acl`),
    /// absolute form (`http://host/b/k`) or `*`; percent escapes such as
    /// `%2F` are left as they are.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes
    /// unless asked to keep it.
    public var keepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        if version == .http1_0 { return headers.hasToken("keep-alive", in: "Connection") }
        return true
    }
}

public enum HTTPRequestBody: Sendable, Equatable {
    case empty
    /// Bodies up to `HTTPLimits.inMemoryBodyLimit` bytes.
    case bytes([UInt8])
    /// A larger body spooled to a file in `HTTPServerConfiguration.spoolDirectory`
    /// (created exclusively, mode 0600). The handler may rename it; the
    /// transport unlinks the path after the response if it is still there.
    case file(path: String, length: Int64)

    public var length: Int64 {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, let length): return length
        }
    }
}

public struct HTTPRequest: Sendable, Equatable {
    public var head: HTTPRequestHead
    public var body: HTTPRequestBody
    /// MD5 of every body byte, computed while the body streamed in (MD5 of
    /// empty input when there is no body).
    public var bodyMD5: [UInt8]
    /// CRC-64/XZ of the body, computed the same way.
    public var bodyCRC64: UInt64
    /// `ip:port`, or `[v6]:port`.
    public var remoteAddress: String
    public var localPort: UInt16

    public init(
        head: HTTPRequestHead, body: HTTPRequestBody, bodyMD5: [UInt8], bodyCRC64: UInt64,
        remoteAddress: String, localPort: UInt16
    ) {
        self.head = head
        self.body = body
        self.bodyMD5 = bodyMD5
        self.bodyCRC64 = bodyCRC64
        self.remoteAddress = remoteAddress
        self.localPort = localPort
    }

    public var method: String { head.method }
    public var target: String { head.target }
    public var headers: HTTPHeaders { head.headers }
}

public enum HTTPResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    /// `length` bytes of an open file from `offset`, read in bounded chunks as
    /// the socket drains. The transport closes the descriptor when done, also
    /// when the response cannot be sent.
    case file(descriptor: Int32, offset: Int64, length: Int64)
    /// Bytes produced over time; see `HTTPBodyStream`.
    case stream(HTTPBodyStream)

    /// nil for a stream, whose length is not known up front.
    public var length: Int64? {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        case .stream: return nil
        }
    }

    /// Gives up a body that will not be sent: closes a file, cancels a stream.
    func release() {
        switch self {
        case .empty, .bytes: break
        case .file(let descriptor, _, _): closeDescriptor(descriptor)
        case .stream(let stream): stream.cancel()
        }
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// nil → the standard reason phrase for `status`.
    public var reason: String?
    /// Sent as given, in order. The transport adds `Content-Length` (from the
    /// body, unless set here) and `Connection` when it closes or for HTTP/1.0
    /// keep-alive; nothing else (no `Date`, no `Server`).
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody
    /// Instead of this response the connection is reset (TCP RST, nothing
    /// sent): a network failure on purpose, for fault injection.
    public var resetsConnection = false

    public init(status: Int, reason: String? = nil, headers: HTTPHeaders = [:], body: HTTPResponseBody = .empty) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }
}

/// Delivers the response to one request. Call exactly once, from any thread;
/// later calls are ignored (a file body they carry is closed).
public typealias HTTPResponder = @Sendable (HTTPResponse) -> Void

public protocol HTTPRequestHandler: Sendable {
    /// Called on the connection's queue once the whole body is in. Never block.
    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder)
    /// The response for a request the transport refuses itself; the
    /// connection closes after it when `error.closesConnection`.
    func response(for error: HTTPRequestError, head: HTTPRequestHead?) -> HTTPResponse
    /// Called on the connection's queue when the head of a request with a
    /// body arrives, before any of the body is read (and before `100 Continue`).
    /// A non-nil response answers the request at once: the body is never
    /// delivered, `handle` is not called, and the connection closes after the
    /// response. The default returns nil.
    func responseBeforeBody(for head: HTTPRequestHead) -> HTTPResponse?
    /// Called on the connection's queue for a `CONNECT`. `.open` answers
    /// `200 Connection established` and terminates TLS with the context's
    /// certificate; the requests inside reach `handle` like any other.
    /// `.refuse` answers and closes. The default, nil, hands the CONNECT
    /// to `handle` as an ordinary request.
    func tunnel(for head: HTTPRequestHead) -> TunnelDecision?
}

public enum TunnelDecision: Sendable {
    case open(TLSServerContext)
    case refuse(HTTPResponse)
}

extension HTTPRequestHandler {
    public func responseBeforeBody(for head: HTTPRequestHead) -> HTTPResponse? { nil }

    public func tunnel(for head: HTTPRequestHead) -> TunnelDecision? { nil }

    /// A plain-text response with the error's status and message.
    public func response(for error: HTTPRequestError, head: HTTPRequestHead?) -> HTTPResponse {
        error.plainTextResponse
    }
}
