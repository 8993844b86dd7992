#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Serves HTTP/1.1 on one accepted socket: sniffs the first byte, decodes
/// requests (reading ahead while handlers run, within a bound), answers them
/// in order, and enforces the timeouts. Confined to the socket's queue.
final class HTTPConnection: @unchecked Sendable {
    struct Context: Sendable {
        let handler: any HTTPRequestHandler
        let limits: HTTPLimits
        let spoolDirectory: String
        let rawHandler: RawConnectionHandler?
        let log: (@Sendable (String) -> Void)?
    }

    /// One request from head to response, in arrival order.
    private final class Slot {
        let id: UInt64
        let head: HTTPRequestHead?
        var response: HTTPResponse?
        var handlerCalled = false
        var needsContinue = false
        var closeAfter: Bool
        var spoolPath: String?

        init(id: UInt64, head: HTTPRequestHead?, closeAfter: Bool) {
            self.id = id
            self.head = head
            self.closeAfter = closeAfter
        }
    }

    private let socket: SocketConnection
    private let context: Context
    private var decoder: HTTPRequestDecoder
    private var slots: [Slot] = []
    private var nextSlotID: UInt64 = 0
    private var receiving: (slot: Slot, body: RequestBodyCollector)?
    /// Input read but not decoded because enough requests are outstanding
    /// or the client is not reading the responses already queued.
    private var pendingInput: [UInt8] = []
    private var pausedForPipelining = false
    private var sniffed = false
    /// No further request will be decoded (refusal, `Connection: close`, EOF).
    private var inputHalted = false
    private var peerFinished = false
    private var closing = false
    private var closed = false
    private var detached = false
    private var decoding = false
    private var servedAny = false
    private var idleSince = monotonicNanoseconds()
    private var headStartedAt: UInt64 = 0
    private var lastBodyProgress: UInt64 = 0
    private var timer: DispatchSourceTimer?
    private var timerDeadline = UInt64.max
    /// The streamed body being sent; the connection ends with it.
    private var streaming: HTTPBodyStream?

    init(socket: SocketConnection, context: Context) {
        self.socket = socket
        self.context = context
        self.decoder = HTTPRequestDecoder(limits: context.limits)
    }

    deinit { timer?.cancel() }

    /// Call on the socket's queue.
    func begin() {
        socket.start(
            onRead: { [self] in received($0) },
            onEndOfInput: { [self] in inputEnded() },
            onClose: { [self] _ in socketClosed() }
        )
        socket.onWritable = { [self] in resumeAfterPipelining() }
        armTimer()
    }

    // MARK: - Input

    private func received(_ buffer: UnsafeRawBufferPointer) {
        if !sniffed {
            sniffed = true
            if !admitFirstByte(buffer) { return }
        }
        guard !inputHalted else { return }
        if pausedForPipelining {
            pendingInput.append(contentsOf: buffer)
            return
        }
        decode(buffer)
    }

    /// Port sharing: RTMP (0x03) goes to the raw handler; RTMPE and TLS,
    /// which this server cannot speak, are closed; the rest is HTTP.
    private func admitFirstByte(_ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let first = buffer.first else { return true }
        switch first {
        case 0x03:
            guard let raw = context.rawHandler else {
                refuse("an RTMP client on the HTTP port, which has no RTMP handler")
                return false
            }
            detached = true
            cancelTimer()
            socket.pauseReading()
            raw(socket, Array(buffer))
            return false
        case 0x06, 0x08:
            refuse("an encrypted RTMP (RTMPE) client; only plain RTMP is supported")
            return false
        case 0x16:
            refuse("a TLS client; this port speaks plain HTTP")
            return false
        default:
            return true
        }
    }

    private func refuse(_ what: String) {
        context.log?("transport: closed \(socket.remoteAddress): \(what)")
        detached = true
        cancelTimer()
        socket.close()
    }

    private func decode(_ input: UnsafeRawBufferPointer) {
        decoding = true
        defer { decoding = false }
        var consumed = 0
        while !inputHalted && !closed {
            if decoder.isIdle {
                guard consumed < input.count else { break }
                if slots.count >= context.limits.maxPipelinedRequests || !socket.isWritable {
                    pendingInput.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[consumed...]))
                    pausedForPipelining = true
                    socket.pauseReading()
                    break
                }
                headStartedAt = monotonicNanoseconds()
            }
            do {
                guard let event = try decoder.next(input, consumed: &consumed) else { break }
                try handle(event)
            } catch {
                refuseRequest(error)
                break
            }
        }
        armTimer()
    }

    private func handle(_ event: HTTPRequestDecoder.Event) throws(HTTPRequestError) {
        switch event {
        case .head(let head, let framing):
            let slot = Slot(id: nextSlotID, head: head, closeAfter: !head.keepAlive)
            nextSlotID &+= 1
            slots.append(slot)
            var expected: Int64?
            if case .length(let length) = framing { expected = length }
            let body = try RequestBodyCollector(
                inMemoryLimit: context.limits.inMemoryBodyLimit,
                spoolDirectory: context.spoolDirectory,
                expectedLength: expected
            )
            receiving = (slot, body)
            lastBodyProgress = monotonicNanoseconds()
            if framing != .none && head.headers["Expect"] != nil {
                slot.needsContinue = true
                if slots.first === slot { sendContinue(slot) }
            }
        case .body(let bytes):
            guard let receiving else { return }
            try receiving.body.append(bytes)
            lastBodyProgress = monotonicNanoseconds()
        case .end:
            guard let (slot, body) = receiving, let head = slot.head else { return }
            receiving = nil
            let finished = body.finish()
            slot.spoolPath = finished.spoolPath
            slot.needsContinue = false
            slot.handlerCalled = true
            servedAny = true
            if slot.closeAfter { inputHalted = true }
            let request = HTTPRequest(
                head: head, body: finished.body, bodyMD5: finished.md5, bodyCRC64: finished.crc64,
                remoteAddress: socket.remoteAddress, localPort: socket.localPort
            )
            let id = slot.id
            let loop = socket.loop
            context.handler.handle(request) { [self] response in
                let box = UncheckedBox(response)
                loop.execute { self.deliver(box.value, to: id) }
            }
        }
    }

    /// The transport answers this request itself, then closes.
    private func refuseRequest(_ error: HTTPRequestError) {
        inputHalted = true
        let slot: Slot
        if let receiving {
            receiving.body.discard()
            slot = receiving.slot
            self.receiving = nil
        } else if let last = slots.last, !last.handlerCalled, last.response == nil {
            // Its head was decoded but its body could not be taken in.
            slot = last
        } else {
            slot = Slot(id: nextSlotID, head: decoder.currentHead, closeAfter: true)
            nextSlotID &+= 1
            slots.append(slot)
        }
        slot.needsContinue = false
        slot.closeAfter = true
        slot.response = context.handler.response(for: error, head: slot.head)
        flushResponses()
    }

    private func inputEnded() {
        inputHalted = true
        peerFinished = true
        if streaming != nil {
            socket.close()
            return
        }
        if let receiving {
            // The request will never be complete; it gets no answer.
            receiving.body.discard()
            slots.removeAll { $0 === receiving.slot }
            self.receiving = nil
        }
        flushResponses()
    }

    private func resumeAfterPipelining() {
        guard pausedForPipelining, !decoding, !inputHalted, !closed,
              slots.count < context.limits.maxPipelinedRequests, socket.isWritable
        else { return }
        pausedForPipelining = false
        let input = pendingInput
        pendingInput = []
        input.withUnsafeBytes { decode($0) }
        if !pausedForPipelining && !closed { socket.resumeReading() }
    }

    // MARK: - Output

    private func deliver(_ response: HTTPResponse, to id: UInt64) {
        guard let slot = slots.first(where: { $0.id == id }), slot.handlerCalled, slot.response == nil else {
            // Answered twice, or after the connection went away.
            response.body.discard()
            return
        }
        if closed || closing {
            response.body.discard()
            slots.removeAll { $0 === slot }
            unlinkSpool(slot)
            return
        }
        slot.response = response
        flushResponses()
    }

    /// Sends every answered response at the front, in order, in one flush.
    private func flushResponses() {
        guard !closed && !closing else { return }
        var queued = false
        while let slot = slots.first, let response = slot.response {
            slots.removeFirst()
            var isStream = false
            if case .stream = response.body, slot.head?.method != "HEAD", !Self.forbidsBody(response.status) { isStream = true }
            let closeAfter = slot.closeAfter || response.headers.hasToken("close", in: "Connection")
                || (peerFinished && slots.isEmpty) || isStream
            queue(response, for: slot, closing: closeAfter)
            queued = true
            unlinkSpool(slot)
            idleSince = monotonicNanoseconds()
            if isStream {
                beginStreaming()
                return
            }
            if closeAfter {
                closeAfterResponses()
                return
            }
            if let next = slots.first, next.needsContinue { sendContinue(next) }
        }
        if peerFinished && slots.isEmpty {
            closeAfterResponses()
            return
        }
        if queued { socket.flushOnQueue() }
        resumeAfterPipelining()
        armTimer()
    }

    /// A streamed body owns the rest of the connection: nothing more is
    /// read, and the stream closes the socket when it finishes.
    private func beginStreaming() {
        closing = true
        inputHalted = true
        pendingInput = []
        receiving?.body.discard()
        receiving = nil
        for slot in slots where !slot.handlerCalled { unlinkSpool(slot) }
        slots.removeAll { !$0.handlerCalled }
        // Reading goes on (input is ignored) so a client that leaves is noticed.
        armTimer()
    }

    private func closeAfterResponses() {
        closing = true
        inputHalted = true
        pendingInput = []
        receiving?.body.discard()
        receiving = nil
        // Requests read ahead of a closing response are dropped; their
        // handlers' answers will find no slot.
        for slot in slots where !slot.handlerCalled { unlinkSpool(slot) }
        slots.removeAll { !$0.handlerCalled }
        if peerFinished {
            socket.closeAfterWriting()
        } else {
            socket.closeAfterWriting(linger: context.limits.lingerTimeout)
        }
        armTimer()
    }

    private func queue(_ response: HTTPResponse, for slot: Slot, closing: Bool) {
        var headers = response.headers
        let isHead = slot.head?.method == "HEAD"
        let status = response.status
        let bodyForbidden = Self.forbidsBody(status)
        var body = response.body
        var chunked = false
        if case .stream = body, !bodyForbidden, !isHead {
            headers.remove("Content-Length")
            // HTTP/1.0 has no chunked coding: its body ends with the connection.
            chunked = slot.head?.version != .http1_0
            if chunked { headers.set("Transfer-Encoding", "chunked") }
        } else if bodyForbidden {
            // RFC 9110 §8.6: no Content-Length on 1xx/204; a 304 keeps the handler's.
            if status != 304 { headers.remove("Content-Length") }
        } else if isHead {
            if !headers.contains("Content-Length") { headers.set("Content-Length", String(body.length)) }
        } else if headers["Content-Length"] != String(body.length) {
            // Framing must match the bytes actually sent.
            headers.set("Content-Length", String(body.length))
        }
        if bodyForbidden || isHead {
            body.discard()
            body = .empty
        }
        if closing {
            if !headers.hasToken("close", in: "Connection") { headers.set("Connection", "close") }
        } else if slot.head?.version == .http1_0 {
            headers.set("Connection", "keep-alive")
        }
        var bytes = HTTPResponseEncoder.head(status: status, reason: response.reason, headers: headers)
        switch body {
        case .empty:
            bytes.withUnsafeBytes { socket.writeOnQueue($0) }
        case .bytes(let payload):
            bytes.append(contentsOf: payload)
            bytes.withUnsafeBytes { socket.writeOnQueue($0) }
        case .file(let descriptor, let offset, let length):
            bytes.withUnsafeBytes { socket.writeOnQueue($0) }
            socket.writeFileOnQueue(descriptor: descriptor, offset: offset, length: length)
        case .stream(let stream):
            bytes.withUnsafeBytes { socket.writeOnQueue($0) }
            streaming = stream
            stream.attach(socket, chunked: chunked)
        }
    }

    static func forbidsBody(_ status: Int) -> Bool {
        (100...199).contains(status) || status == 204 || status == 304
    }

    private func sendContinue(_ slot: Slot) {
        slot.needsContinue = false
        HTTPResponseEncoder.continueHead.withUnsafeBytes { socket.writeOnQueue($0) }
        socket.flushOnQueue()
    }

    private func unlinkSpool(_ slot: Slot) {
        if let path = slot.spoolPath {
            unlink(path)
            slot.spoolPath = nil
        }
    }

    private func socketClosed() {
        closed = true
        cancelTimer()
        receiving?.body.discard()
        receiving = nil
        pendingInput = []
        // Slots whose handler still runs are cleaned up when it answers.
        for slot in slots where !slot.handlerCalled || slot.response != nil {
            unlinkSpool(slot)
            slot.response?.body.discard()
        }
        streaming?.connectionClosed()
        streaming = nil
        slots.removeAll { !$0.handlerCalled || $0.response != nil }
    }

    // MARK: - Timeouts

    private enum Expiry { case dropIdle, requestTimeout, writeStalled }

    private func nextExpiry() -> (deadline: UInt64, expiry: Expiry)? {
        guard !closed && !detached else { return nil }
        let limits = context.limits
        var best: (deadline: UInt64, expiry: Expiry)?
        func consider(_ deadline: UInt64, _ expiry: Expiry) {
            if best == nil || deadline < best!.deadline { best = (deadline, expiry) }
        }
        if !inputHalted && !closing {
            if receiving != nil {
                consider(lastBodyProgress &+ limits.bodyIdleTimeout.nanoseconds, .requestTimeout)
            } else if decoder.isReceivingHead {
                consider(headStartedAt &+ limits.headerTimeout.nanoseconds, .requestTimeout)
            } else if slots.isEmpty && pendingInput.isEmpty {
                let wait = servedAny ? limits.keepAliveIdleTimeout : limits.headerTimeout
                consider(idleSince &+ wait.nanoseconds, .dropIdle)
            }
        }
        if socket.pendingWriteBytes > 0 {
            consider(socket.lastWriteProgress &+ limits.writeIdleTimeout.nanoseconds, .writeStalled)
        }
        return best
    }

    private func armTimer() {
        guard let next = nextExpiry(), next.deadline < timerDeadline else { return }
        let timer: DispatchSourceTimer
        if let existing = self.timer {
            timer = existing
        } else {
            timer = DispatchSource.makeTimerSource(queue: socket.queue)
            timer.setEventHandler { [unowned self] in self.timerFired() }
            timer.activate()
            self.timer = timer
        }
        timerDeadline = next.deadline
        let now = monotonicNanoseconds()
        let leeway = next.deadline > now ? min(max((next.deadline - now) / 20, 1_000_000), 1_000_000_000) : 1_000_000
        timer.schedule(deadline: DispatchTime(uptimeNanoseconds: next.deadline),
                       leeway: .nanoseconds(Int(leeway)))
    }

    private func timerFired() {
        timerDeadline = .max
        guard let next = nextExpiry() else { return }
        guard monotonicNanoseconds() >= next.deadline else {
            armTimer()
            return
        }
        switch next.expiry {
        case .dropIdle:
            closing = true
            socket.close()
        case .requestTimeout:
            refuseRequest(.requestTimeout)
        case .writeStalled:
            closing = true
            socket.close()
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = .max
    }
}

/// Takes a connection whose first byte was 0x03 (RTMP), with the bytes read
/// so far, on the connection's queue. The connection's reading is paused
/// until the handler calls `start` on it.
public typealias RawConnectionHandler = @Sendable (_ connection: SocketConnection, _ alreadyRead: [UInt8]) -> Void
