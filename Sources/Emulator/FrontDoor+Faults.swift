import Dispatch
import OSSProtocol
import ObjectAPI
import Transport

/// Fault injection in front of every OSS request (the emulator's own
/// endpoints are never hit).
extension FrontDoor {
    func matchingFault(_ request: HTTPRequest) -> (rule: FaultRule, operation: String)? {
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
        return (rule, operation)
    }

    /// Delay first (then the request runs, or fails as the rule says); an
    /// error answers as OSS would, journalled like any answer; a reset drops
    /// the connection with nothing sent.
    func inject(_ rule: FaultRule, operation: String, request: HTTPRequest, respond: @escaping HTTPResponder) {
        let act: @Sendable () -> Void = { [self] in
            if rule.stall {
                // No answer: the connection waits until the client gives up.
                return
            }
            if rule.reset {
                var response = HTTPResponse(status: 500)
                response.resetsConnection = true
                let target = try? resolver.resolve(hostHeader: request.head.headers["Host"], requestTarget: request.head.target)
                record(request, target: target, response: response, startedAt: configuration.wallClock(), elapsed: 0)
                respond(response)
            } else if let error = rule.error {
                let now = configuration.wallClock()
                let responder = Responder(requestId: RequestID.next(nowMilliseconds: now), nowSeconds: now / 1000,
                                          hostId: request.head.headers["Host"] ?? "", isHead: request.head.method == "HEAD")
                let target = try? resolver.resolve(hostHeader: request.head.headers["Host"], requestTarget: request.head.target)
                let response = responder.error(OSSError(status: error.status, code: error.code, message: error.message))
                logRequest(request, target: target, response: response, requestId: responder.requestId, startedAt: now)
                respond(CORS.decorate(response, request: request.head))
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
