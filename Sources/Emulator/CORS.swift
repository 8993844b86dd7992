import BucketConfig
import ObjectAPI
import OSSProtocol
import Transport

/// Cross-origin access for browser players (hls.js on another origin). A
/// bucket with CORS rules (PutBucketCors) is answered as the rules say, as
/// OSS does; a bucket without any allows every origin (real OSS allows none:
/// a documented divergence that makes local playback work with no setup).
enum CORS {
    static let allowedMethods = "GET, HEAD, PUT, POST, DELETE"
    /// Response headers a player or SDK in a browser may read.
    static let exposedHeaders = "ETag, Content-Length, Content-Range, Content-Type, Last-Modified, x-oss-request-id, x-oss-hash-crc64ecma, x-oss-object-type"
    /// Seconds a browser may cache a preflight answer.
    static let maxAgeSeconds = 600

    /// `OPTIONS` preflight: 200 with the allowed origin, methods and headers;
    /// 403 when the request is not a preflight (no Origin or no requested method), as OSS.
    static func preflight(_ head: HTTPRequestHead, responder: Responder, rules: CORSConfiguration? = nil) throws -> HTTPResponse {
        guard let origin = head.headers["Origin"], let method = head.headers["Access-Control-Request-Method"] else {
            throw OSSError(status: 403, code: "AccessForbidden", message: "CORSResponse: This CORS request is not allowed. Send Origin and Access-Control-Request-Method.")
        }
        if let rules {
            guard let allowed = rules.preflight(
                origin: origin, method: method, requestHeaders: head.headers["Access-Control-Request-Headers"])
            else { throw OSSError.corsNotAllowed }
            var headers: HTTPHeaders = [:]
            for (name, value) in allowed { headers.add(name, value) }
            return responder.response(headers: headers)
        }
        guard allowedMethods.contains(method.uppercased()) else {
            throw OSSError(status: 403, code: "AccessForbidden", message: "CORSResponse: method \(method) is not allowed.")
        }
        var headers: HTTPHeaders = [:]
        headers.add("Access-Control-Allow-Origin", origin)
        headers.add("Access-Control-Allow-Methods", allowedMethods)
        if let requested = head.headers["Access-Control-Request-Headers"] {
            headers.add("Access-Control-Allow-Headers", requested)
        }
        headers.add("Access-Control-Max-Age", String(maxAgeSeconds))
        headers.add("Vary", "Origin")
        return responder.response(headers: headers)
    }

    /// Adds the CORS headers to an answer for a request that carried `Origin`.
    /// With bucket rules: the headers of the rule that allows the request, if any.
    static func decorate(_ response: HTTPResponse, request: HTTPRequestHead, rules: CORSConfiguration? = nil) -> HTTPResponse {
        if let rules {
            guard request.method != "OPTIONS" else { return response }
            var decorated = response
            for (name, value) in rules.actual(origin: request.headers["Origin"], method: request.method) {
                decorated.headers.set(name, value)
            }
            return decorated
        }
        guard let origin = request.headers["Origin"], request.method != "OPTIONS" else { return response }
        var decorated = response
        decorated.headers.set("Access-Control-Allow-Origin", origin)
        decorated.headers.set("Access-Control-Expose-Headers", exposedHeaders)
        decorated.headers.set("Vary", "Origin")
        return decorated
    }
}
