import Digest
import OSSProtocol
import Transport

/// Builds responses that carry the headers OSS puts on every answer.
public struct Responder: Sendable {
    public let requestId: String
    public let nowSeconds: Int64
    public let hostId: String
    public let isHead: Bool

    public init(requestId: String, nowSeconds: Int64, hostId: String, isHead: Bool) {
        self.requestId = requestId
        self.nowSeconds = nowSeconds
        self.hostId = hostId
        self.isHead = isHead
    }

    public func response(status: Int = 200, headers: HTTPHeaders = [:], body: HTTPResponseBody = .empty) -> HTTPResponse {
        var all = HTTPHeaders()
        // One more for the HEAD answer's Content-Length or the transport's Connection.
        all.reserveCapacity(headers.count + 4)
        all.add("Server", "AliyunOSS")
        all.add("Date", HTTPDateCache.httpDate(nowSeconds))
        all.add("x-oss-request-id", requestId)
        all.add(contentsOf: headers)
        if isHead {
            // A HEAD answer announces the length of the body it does not send.
            if all["Content-Length"] == nil {
                switch body {
                case .empty: all.set("Content-Length", "0")
                case .bytes(let bytes): all.set("Content-Length", String(bytes.count))
                case .file(let descriptor, _, let length):
                    all.set("Content-Length", String(length))
                    closeDescriptor(descriptor)
                case .stream(let stream):
                    stream.finish()  // a streamed body has no length to announce
                }
            }
            return HTTPResponse(status: status, headers: all, body: .empty)
        }
        return HTTPResponse(status: status, headers: all, body: body)
    }

    public func xml(_ body: [UInt8], status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var all = headers
        all.set("Content-Type", "application/xml")
        return response(status: status, headers: all, body: .bytes(body))
    }

    /// The OSS error document; HEAD gets no body but the document in `x-oss-err`
    /// (Go and oss2 decode it to report the real code).
    public func error(_ error: OSSError) -> HTTPResponse {
        let body = error.xmlBody(requestId: requestId, hostId: hostId)
        var headers: HTTPHeaders = ["Content-Type": "application/xml"]
        if let ec = error.ec { headers.add("x-oss-ec", ec) }
        if isHead {
            headers.add("x-oss-err", Base64.encode(body))
            headers.add("Content-Length", "0")
            return response(status: error.status, headers: headers)
        }
        return response(status: error.status, headers: headers, body: .bytes(body))
    }
}
