import OSSProtocol
import Transport

/// What every handler needs to know about the request it serves.
struct RequestContext: Sendable {
    let request: HTTPRequest
    let target: RequestTarget
    let auth: AuthResult
    let respond: Responder
    let nowMilliseconds: Int64

    var method: String { request.head.method }
    var headers: HTTPHeaders { request.head.headers }
    var query: [QueryItem] { target.query }
    var nowSeconds: Int64 { nowMilliseconds / 1000 }
}
