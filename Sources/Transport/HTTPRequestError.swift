/// Why the transport refused a request itself. The handler turns it into a
/// response (`HTTPRequestHandler.response(for:head:)`); `status` and `message`
/// are suggestions for that.
public enum HTTPRequestError: Error, Sendable, Equatable {
    /// Not `METHOD SP target SP HTTP/x.y`, or a method/target with bytes HTTP forbids.
    case malformedRequestLine
    /// A header line without a colon, with whitespace before the colon, an
    /// obsolete folded line, an invalid name byte or a control byte in a value.
    case malformedHeader
    /// Request line and headers exceed `HTTPLimits.maxHeaderBytes`.
    case headersTooLarge
    /// More than `HTTPLimits.maxHeaderCount` header (or trailer) fields.
    case tooManyHeaders
    /// A version other than HTTP/1.0 and HTTP/1.1.
    case unsupportedVersion
    /// HTTP/1.1 without a Host header, or with several.
    case missingHost
    /// Content-Length that is not a plain decimal number.
    case invalidContentLength
    /// Several Content-Length values that differ.
    case conflictingContentLength
    /// Both Content-Length and Transfer-Encoding (a request-smuggling shape).
    case contentLengthWithTransferEncoding
    /// A transfer coding other than a single `chunked`.
    case unsupportedTransferEncoding
    /// A bad chunk-size line, missing CRLF after chunk data, or oversized trailers.
    case malformedChunkedBody
    /// An `Expect` other than `100-continue`.
    case unsupportedExpectation
    /// The declared or received body exceeds `limit` bytes.
    case bodyTooLarge(limit: Int64)
    /// The head did not arrive within `headerTimeout`, or the body stalled
    /// longer than `bodyIdleTimeout`.
    case requestTimeout
    /// The body could not be written to the spool directory.
    case spoolFailed(reason: String)

    /// The status a plain HTTP server would answer with.
    public var status: Int {
        switch self {
        case .malformedRequestLine, .malformedHeader, .missingHost, .invalidContentLength,
             .conflictingContentLength, .contentLengthWithTransferEncoding, .malformedChunkedBody:
            return 400
        case .headersTooLarge, .tooManyHeaders: return 431
        case .unsupportedVersion: return 505
        case .unsupportedTransferEncoding: return 501
        case .unsupportedExpectation: return 417
        case .bodyTooLarge: return 413
        case .requestTimeout: return 408
        case .spoolFailed: return 500
        }
    }

    public var message: String {
        switch self {
        case .malformedRequestLine: return "The request line is malformed."
        case .malformedHeader: return "A request header is malformed."
        case .headersTooLarge: return "The request line and headers are too large."
        case .tooManyHeaders: return "The request has too many header fields."
        case .unsupportedVersion: return "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .missingHost: return "An HTTP/1.1 request needs exactly one Host header."
        case .invalidContentLength: return "Content-Length is not a valid number."
        case .conflictingContentLength: return "The request has conflicting Content-Length values."
        case .contentLengthWithTransferEncoding:
            return "The request has both Content-Length and Transfer-Encoding."
        case .unsupportedTransferEncoding: return "Only Transfer-Encoding: chunked is supported."
        case .malformedChunkedBody: return "The chunked request body is malformed."
        case .unsupportedExpectation: return "Only Expect: 100-continue is supported."
        case .bodyTooLarge(let limit): return "The request body exceeds \(limit) bytes."
        case .requestTimeout: return "The request did not arrive in time."
        case .spoolFailed(let reason): return "The request body could not be stored: \(reason)"
        }
    }

    /// Every refusal closes the connection: after a framing error the rest of
    /// the byte stream cannot be trusted.
    public var closesConnection: Bool { true }

    /// `status` with `message` as a text/plain body.
    public var plainTextResponse: HTTPResponse {
        let body = Array((message + "\n").utf8)
        return HTTPResponse(
            status: status,
            headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: .bytes(body)
        )
    }
}

/// Failures of the socket layer itself (binding, listening).
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidHost(String)
    case bindFailed(host: String, port: UInt16, reason: String)
    case socketFailed(operation: String, reason: String)
    /// The TLS machinery of CONNECT tunnels (the CA, keys) could not be set up.
    case tlsFailed(reason: String)

    public var description: String {
        switch self {
        case .invalidHost(let host): return "cannot resolve host '\(host)'"
        case .bindFailed(let host, let port, let reason): return "cannot listen on \(host):\(port): \(reason)"
        case .socketFailed(let operation, let reason): return "\(operation) failed: \(reason)"
        case .tlsFailed(let reason): return "TLS: \(reason)"
        }
    }
}
