import Locking
import ObjectAPI
import Dispatch
import OSSProtocol
import Storage
import Transport

/// The emulator's own endpoints under `/_emulator/` (base host only).
/// `health` is always open; the others are open on a loopback bind and need
/// the admin token (Bearer) otherwise.
struct AdminHandlers: Sendable {
    let store: ObjectStore
    let channels: ChannelRegistry
    let events: EventLog
    let journal: RequestJournal
    let clock: EmulatorClock
    let faults: FaultInjector
    let configuration: EmulatorConfiguration
    let lifecycle: LifecycleRunner
    let reset: @Sendable () throws -> Void

    /// The one endpoint open to anyone, cross-origin pages included.
    static let openPath = "/health"

    /// The `retry:` an SSE client waits before reconnecting, in milliseconds.
    static let serverSentEventsRetryMilliseconds = 1000

    func handle(_ request: HTTPRequest, target: RequestTarget, path: String, responder: Responder,
                respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let method = request.head.method
        if path == Self.openPath && (method == "GET" || method == "HEAD") {
            respond(json(.object([("status", .string("ok"))]), responder: responder))
            return
        }
        if path == Self.faviconPath && (method == "GET" || method == "HEAD") {
            respond(Self.favicon(responder: responder))
            return
        }
        guard Self.authorized(request.head.headers["Authorization"], configuration: configuration) else {
            let message = configuration.adminToken == nil
                ? "the emulator listens on \(configuration.host): start it with --admin-token and send Authorization: Bearer <token>"
                : "send Authorization: Bearer <admin token>"
            var response = json(.object([("error", .string("Unauthorized")), ("message", .string(message))]), status: 401, responder: responder)
            response.headers.add("WWW-Authenticate", "Bearer realm=\"oss-live-emulator\"")
            respond(response)
            return
        }
        if let refusal = Self.crossSiteRefusal(request.head, configuration: configuration) {
            respond(json(.object([("error", .string("Forbidden")), ("message", .string(refusal))]), status: 403, responder: responder))
            return
        }
        switch (method, path) {
        case ("GET", "/"), ("HEAD", "/"):
            respond(console(request, target: target, responder: responder))
        case ("GET", "/channels"), ("HEAD", "/channels"):
            respond(json(ChannelOverview.json(ChannelOverview.collect(store: store, channels: channels)), responder: responder))
        case ("GET", "/requests"), ("HEAD", "/requests"):
            let query = target.query
            let after = query.first { $0.name == "after" }?.value.flatMap { UInt64($0) } ?? 0
            let limit = min(query.first { $0.name == "limit" }?.value.flatMap { Int($0) } ?? RequestJournal.maxPage, RequestJournal.maxPage)
            let records = journal.records(after: after, operation: query.first { $0.name == "operation" }?.value,
                                          bucket: query.first { $0.name == "bucket" }?.value, limit: max(limit, 0))
            respond(json(.object([("requests", .array(records.map(RequestJournal.json)))]), responder: responder))
        case ("GET", "/stats"), ("HEAD", "/stats"):
            respond(json(RequestJournal.json(counts: journal.counts()), responder: responder))
        case ("GET", "/faults"), ("HEAD", "/faults"):
            respond(json(.object([("faults", .array(faults.rules.map(\.json)))]), responder: responder))
        case ("POST", "/faults"):
            do {
                guard case .bytes(let bytes) = request.body else { throw FaultRuleError("send one rule or an array of rules as JSON") }
                let rules = try FaultRule.parseAll(bytes)
                var added: [Int] = []
                for rule in rules { added.append(try faults.add(rule)) }
                respond(json(.object([("faults", .array(faults.rules.filter { added.contains($0.id) }.map(\.json)))]),
                             responder: responder))
            } catch let failure as FaultRuleError {
                respond(json(.object([("error", .string("InvalidArgument")), ("message", .string(failure.description))]),
                             status: 400, responder: responder))
            } catch {
                respond(json(.object([("error", .string("InvalidArgument")), ("message", .string("unreadable rule"))]),
                             status: 400, responder: responder))
            }
        case ("DELETE", "/faults"):
            if let text = target.query.first(where: { $0.name == "id" })?.value {
                guard let id = Int(text), faults.remove(id: id) else {
                    respond(json(.object([("error", .string("NoSuchFault")), ("message", .string("no fault rule \(text)"))]),
                                 status: 404, responder: responder))
                    return
                }
            } else {
                faults.removeAll()
            }
            respond(json(.object([("faults", .array(faults.rules.map(\.json)))]), responder: responder))
        case ("GET", "/clock"), ("HEAD", "/clock"):
            respond(json(clockAnswer(), responder: responder))
        case ("POST", "/clock"):
            do {
                try moveClock(request.body)
                respond(json(clockAnswer(), responder: responder))
            } catch let failure as ClockRequestError {
                respond(json(.object([("error", .string("InvalidArgument")), ("message", .string(failure.message))]),
                             status: 400, responder: responder))
            } catch {
                respond(json(.object([("error", .string("InvalidArgument")), ("message", .string("unreadable body"))]),
                             status: 400, responder: responder))
            }
        case ("GET", "/events"):
            respond(serverSentEvents(request, target: target, responder: responder))
        case ("POST", "/lifecycle"):
            // A sweep walks whole buckets: off the connection's queue, which other connections share.
            DispatchQueue.global().async { respond(self.runLifecycle(request.body, responder: responder)) }
        case ("POST", "/reset"):
            // Reset waits for publishers to write their last files: off the connection's queue.
            let reset = self.reset
            let store = self.store
            DispatchQueue.global().async {
                do {
                    try reset()
                    respond(json(.object([("status", .string("reset"))]), responder: responder))
                } catch {
                    respond(json(.object([("error", .string("InternalError")), ("message", .string(store.describe(error)))]),
                                 status: 500, responder: responder))
                }
            }
        case ("GET", _) where path.hasPrefix("/play/"), ("HEAD", _) where path.hasPrefix("/play/"):
            respond(signedPlaylist(request, rest: String(path.dropFirst("/play/".count)), responder: responder))
        case ("GET", _) where path.hasPrefix("/vod/"), ("HEAD", _) where path.hasPrefix("/vod/"):
            respond(signedVodPlaylist(request, rest: String(path.dropFirst("/vod/".count)), target: target, responder: responder))
        default:
            let known = ["/", "/health", "/channels", "/events", "/reset", "/requests", "/stats", "/clock", "/faults", "/lifecycle"].contains(path)
            let message = known ? "\(method) is not allowed on /_emulator\(path)" : "no emulator endpoint \(method) /_emulator\(path)"
            respond(json(.object([("error", .string(known ? "MethodNotAllowed" : "NotFound")), ("message", .string(message))]),
                         status: known ? 405 : 404, responder: responder))
        }
    }

    /// `GET /_emulator/events`: the kept events after `Last-Event-ID` (or
    /// `?after=N`), then every new one, until the client or the emulator goes.
    private func serverSentEvents(_ request: HTTPRequest, target: RequestTarget, responder: Responder) -> HTTPResponse {
        let resumeText = request.head.headers["Last-Event-ID"] ?? target.query.first { $0.name == "after" }?.value
        let after = resumeText.flatMap { UInt64($0.filter { $0 != " " }) }
        let log = events
        let subscription = Locked<UInt64?>(nil)
        let stream = HTTPBodyStream(onCancel: {
            if let token = subscription.withLock({ $0 }) { log.unsubscribe(token) }
        })
        stream.write(Array("retry: \(Self.serverSentEventsRetryMilliseconds)\n: oss-live-emulator events\n\n".utf8))
        let token = log.subscribe(
            after: after, deliver: { stream.write(Array($0.serverSentEvent.utf8)) }, finish: { stream.finish() })
        subscription.withLock { $0 = token }
        if stream.isCancelled { log.unsubscribe(token) }
        return responder.response(
            headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"],
            body: .stream(stream))
    }

    func json(_ value: JSONValue, status: Int = 200, responder: Responder) -> HTTPResponse {
        responder.response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(Array((value.rendered + "\n").utf8)))
    }

    // MARK: clock

    struct ClockRequestError: Error { let message: String }

    /// Largest move of the clock one request may make: about 100 years.
    static let maxClockMoveSeconds: Double = 100 * 366 * 86_400

    func clockAnswer() -> JSONValue {
        .object([("now", .string(OSSTime.iso8601Milliseconds(clock.nowMilliseconds))),
                 ("offsetSeconds", .number(Double(clock.offsetMilliseconds) / 1000))])
    }

    /// `{"advance": SECONDS}` or `{"set": "2026-01-01T00:00:00Z"}`.
    func moveClock(_ body: HTTPRequestBody) throws {
        guard case .bytes(let bytes) = body, let document = try? JSONText.parse(bytes), case .object(let members) = document
        else { throw ClockRequestError(message: #"send {"advance": SECONDS} or {"set": "2026-01-01T00:00:00Z"}"#) }
        let fields = Dictionary(members, uniquingKeysWith: { a, _ in a })
        switch (fields["advance"], fields["set"]) {
        case (.number(let text)?, nil):
            guard let seconds = Double(text), seconds.isFinite, abs(seconds) <= Self.maxClockMoveSeconds else {
                throw ClockRequestError(message: "advance must be a number of seconds within ±\(Int(Self.maxClockMoveSeconds))")
            }
            clock.advance(seconds: seconds)
        case (nil, .string(let text)?):
            guard let seconds = OSSTime.parseISO8601(text), abs(Double(seconds) - Double(clock.realMilliseconds) / 1000) <= Self.maxClockMoveSeconds else {
                throw ClockRequestError(message: "set must be an ISO 8601 UTC time such as 2026-01-01T00:00:00Z, within 100 years of now")
            }
            clock.set(epochMilliseconds: seconds * 1000)
        default:
            throw ClockRequestError(message: #"send exactly one of {"advance": SECONDS} or {"set": "2026-01-01T00:00:00Z"}"#)
        }
    }

    // MARK: access

    /// The header a state-changing admin request must carry (or the admin
    /// token). A browser cannot send it cross-origin without a preflight, and
    /// admin paths never pass a preflight, so a web page cannot reset the emulator.
    static let adminRequestHeader = "X-Emulator-Admin"

    /// Why a state-changing request (anything but GET/HEAD) is refused as a
    /// possible cross-site request, or nil when it may go on: it must not come
    /// from another origin's page, and must carry `X-Emulator-Admin` or the token.
    static func crossSiteRefusal(_ head: HTTPRequestHead, configuration: EmulatorConfiguration) -> String? {
        if head.method == "GET" || head.method == "HEAD" { return nil }
        if let origin = head.headers["Origin"], !isOwnOrigin(origin, host: head.headers["Host"]) {
            return "admin requests from another origin (\(origin)) are refused"
        }
        if head.headers[adminRequestHeader] != nil || hasToken(head.headers["Authorization"], configuration: configuration) {
            return nil
        }
        return "send the header \(adminRequestHeader): 1 (or Authorization: Bearer <admin token>) with \(head.method) requests"
    }

    /// Whether `Origin` names the emulator itself as the client addressed it.
    static func isOwnOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, !host.isEmpty else { return false }
        let lowered = origin.lowercased()
        return lowered == "http://" + host.lowercased() || lowered == "https://" + host.lowercased()
    }

    static func authorized(_ authorization: String?, configuration: EmulatorConfiguration) -> Bool {
        if isLoopback(configuration.host) { return true }
        return hasToken(authorization, configuration: configuration)
    }

    /// Whether `Authorization` carries the admin token.
    static func hasToken(_ authorization: String?, configuration: EmulatorConfiguration) -> Bool {
        guard let token = configuration.adminToken, !token.isEmpty, let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return constantTimeEqual(Array(parts[1].utf8), Array(token.utf8))
    }

    /// Whether a bind address only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
