import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Locking
import OSSProtocol
import ObjectAPI
import Transport

/// Fault injection in front of every OSS request (the emulator's own
/// endpoints are never hit).
extension FrontDoor {
    func matchingFault(_ request: HTTPRequest) -> (rule: FaultRule, target: RequestTarget)? {
        guard !faults.rules.isEmpty,
              let target = try? resolver.resolve(hostHeader: request.head.headers["Host"], requestTarget: request.head.target),
              target.emulatorPath == nil else { return nil }
        let headers = request.head.headers
        let operation = OperationName.of(method: request.head.method, bucket: target.bucket, key: target.key,
                                         query: target.query) { headers[$0] }
        guard let rule = faults.hit(operation: operation, bucket: target.bucket, key: target.key, method: request.head.method)
        else { return nil }
        logger.notice("fault injected: rule \(rule.id) on \(operation) \(target.bucket ?? "-")/\(target.key ?? ""): \(rule.actionDescription)")
        events?.append(.faultInjected(rule: rule.id, operation: operation, bucket: target.bucket, key: target.key,
                                      action: rule.actionDescription), time: configuration.wallClock())
        return (rule, target)
    }

    /// Delay first (then the request runs, or fails as the rule says); an
    /// error answers as OSS would, journalled like any answer; a reset drops
    /// the connection with nothing sent, or, with `truncateAfterBytes`, after
    /// that much of the body (a reset mid-response).
    func inject(_ rule: FaultRule, target: RequestTarget, request: HTTPRequest, respond: @escaping HTTPResponder) {
        let act: @Sendable () -> Void = { [self] in
            if rule.stall {
                // No answer: the connection waits until the client gives up.
                return
            }
            if rule.reset && rule.truncateAfterBytes == nil {
                var response = HTTPResponse(status: 500)
                response.resetsConnection = true
                record(request, target: target, response: response, startedAt: configuration.wallClock(), elapsed: 0)
                respond(response)
            } else if let error = rule.error {
                let now = configuration.wallClock()
                let responder = Responder(requestId: RequestID.next(nowMilliseconds: now), nowSeconds: now / 1000,
                                          hostId: request.head.headers["Host"] ?? "", isHead: request.head.method == "HEAD")
                let response = responder.error(OSSError(status: error.status, code: error.code, message: error.message))
                logRequest(request, target: target, response: response, requestId: responder.requestId, startedAt: now)
                respond(CORS.decorate(response, request: request.head))
            } else if rule.bodyBytesPerSecond != nil || rule.truncateAfterBytes != nil {
                serve(request) { response in respond(FaultBody.shaped(response, rule: rule)) }
            } else {
                serve(request, respond: respond)
            }
        }
        if let delay = rule.delayMilliseconds, delay > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay), execute: act)
        } else {
            act()
        }
    }
}

/// A response body sent slowly or cut short.
enum FaultBody {
    /// Pieces a slowed body is sent in, per second.
    static let ticksPerSecond = 10
    /// Bodies up to this size are slowed or cut; larger ones are sent as they are.
    static let maxShapedBytes: Int64 = 256 << 20

    static func shaped(_ response: HTTPResponse, rule: FaultRule) -> HTTPResponse {
        guard let bytes = contents(of: response.body) else { return response }
        let limit = rule.truncateAfterBytes.map { min($0, bytes.count) } ?? bytes.count
        let stream = HTTPBodyStream()
        var shaped = response
        shaped.headers.remove("Content-Length")
        shaped.body = .stream(stream)
        let body = Array(bytes.prefix(limit))
        let truncated = limit < bytes.count
        guard let rate = rule.bodyBytesPerSecond else {
            stream.write(body)
            if truncated { stream.abort(reset: rule.reset) } else { stream.finish() }
            return shaped
        }
        let piece = max(1, rate / ticksPerSecond)
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let offset = Locked(0)
        timer.schedule(deadline: .now(), repeating: .milliseconds(1000 / ticksPerSecond))
        timer.setEventHandler {
            let range = offset.withLock { start -> Range<Int> in
                let end = min(start + piece, body.count)
                defer { start = end }
                return start..<end
            }
            if !range.isEmpty { stream.write(Array(body[range])) }
            if range.upperBound >= body.count || stream.isCancelled {
                timer.cancel()
                if truncated { stream.abort(reset: rule.reset) } else { stream.finish() }
            }
        }
        timer.resume()
        return shaped
    }

    /// The whole body as bytes (files read here: fault bodies are test-sized).
    private static func contents(of body: HTTPResponseBody) -> [UInt8]? {
        switch body {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .file(let descriptor, let offset, let length):
            // Larger bodies go out unshaped.
            guard length <= maxShapedBytes else { return nil }
            defer { close(descriptor) }
            var out = [UInt8](repeating: 0, count: Int(length))
            var done = 0
            while done < out.count {
                let n = out.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset) + off_t(done)) }
                if n <= 0 { break }
                done += n
            }
            return Array(out.prefix(done))
        case .stream: return nil
        }
    }
}
