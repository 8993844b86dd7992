import OSSProtocol
import Transport

/// What every handler needs to know about the request it serves.
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    public let target: RequestTarget
    public let auth: AuthResult
    public let respond: Responder
    public let nowMilliseconds: Int64

    public var method: String { request.head.method }
    public var headers: HTTPHeaders { request.head.headers }
    public var query: [QueryItem] { target.query }
    public var nowSeconds: Int64 { nowMilliseconds / 1000 }

    public init(request: HTTPRequest, target: RequestTarget, auth: AuthResult, respond: Responder, nowMilliseconds: Int64) {
        self.request = request
        self.target = target
        self.auth = auth
        self.respond = respond
        self.nowMilliseconds = nowMilliseconds
    }
}
