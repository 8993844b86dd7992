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
        /// Serving the plaintext side of a TLS tunnel: no nested CONNECT.
        var tunnelled = false
    }

    /// One request from head to response, in arrival order.
    final class Slot {
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

    let socket: SocketConnection
    let context: Context
    var decoder: HTTPRequestDecoder
    var slots: [Slot] = []
    var nextSlotID: UInt64 = 0
    var receiving: (slot: Slot, body: RequestBodyCollector)?
    /// Input read but not decoded because enough requests are outstanding
    /// or the client is not reading the responses already queued.
    var pendingInput: [UInt8] = []
    var pausedForPipelining = false
    var sniffed = false
    /// No further request will be decoded (refusal, `Connection: close`, EOF).
    var inputHalted = false
    var peerFinished = false
    var closing = false
    var closed = false
    var detached = false
    var decoding = false
    var servedAny = false
    /// Since the last response went out, or since the connection was
    /// accepted (in accept order: connections never used are shed in that order).
    var idleSince: UInt64
    var headStartedAt: UInt64 = 0
    var lastBodyProgress: UInt64 = 0
    /// The streamed response being sent; later responses wait for it.
    var streaming: (stream: HTTPBodyStream, chunked: Bool, closeAfter: Bool)?
    var timer: DispatchSourceTimer?
    var timerDeadline = UInt64.max
    /// A CONNECT the handler accepted; the socket goes to a tunnel once
    /// the current input is decoded.
    var acceptedTunnel: (context: TLSServerContext, host: String)?

    init(socket: SocketConnection, context: Context) {
        self.socket = socket
        self.context = context
        self.decoder = HTTPRequestDecoder(limits: context.limits)
        self.idleSince = socket.openedAt
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
            socket.onWritable = nil
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
                if slots.count >= readAheadLimit || !socket.isWritable {
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
        if acceptedTunnel != nil {
            // Bytes after the CONNECT head are the start of the TLS handshake.
            startTunnel(alreadyRead: pendingInput + Array(UnsafeRawBufferPointer(rebasing: input[consumed...])))
            return
        }
        armTimer()
    }

    private func handle(_ event: HTTPRequestDecoder.Event) throws(HTTPRequestError) {
        switch event {
        case .head(let head, let framing):
            let slot = Slot(id: nextSlotID, head: head, closeAfter: !head.keepAlive)
            nextSlotID &+= 1
            slots.append(slot)
            if framing != .none, let early = context.handler.responseBeforeBody(for: head) {
                // The body is left unread; the connection closes after the answer.
                inputHalted = true
                slot.closeAfter = true
                slot.response = early
                flushResponses()
                return
            }
            var expected: Int64?
            if case .length(let length) = framing { expected = length }
            let body = try RequestBodyCollector(
                inMemoryLimit: context.limits.inMemoryBodyLimit,
                spoolDirectory: context.spoolDirectory,
                expectedLength: expected
            )
            receiving = (slot, body)
            lastBodyProgress = monotonicNanoseconds()
            // HTTP/1.0 clients cannot expect an interim response (RFC 9110 §10.1.1).
            if framing != .none && head.version == .http1_1 && head.headers["Expect"] != nil {
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
            if head.method == "CONNECT", !context.tunnelled, answerConnect(head, slot: slot) { return }
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
    func refuseRequest(_ error: HTTPRequestError) {
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
        if let streaming {
            // A client that ends its side during an open-ended stream (server-sent
            // events) has gone; without this it would be noticed only on a failed write.
            streaming.stream.cancel()
            self.streaming = nil
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

    /// At least the request being served, whatever the configuration says.
    private var readAheadLimit: Int { max(1, context.limits.maxPipelinedRequests) }

    func resumeAfterPipelining() {
        guard pausedForPipelining, !decoding, !inputHalted, !closed,
              slots.count < readAheadLimit, socket.isWritable
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
            response.body.release()
            return
        }
        if closed || closing {
            response.body.release()
            slots.removeAll { $0 === slot }
            unlinkSpool(slot)
            return
        }
        slot.response = response
        flushResponses()
    }

    /// Sends every answered response at the front, in order, in one flush.
    func flushResponses() {
        guard !closed && !closing && streaming == nil else { return }
        var queued = false
        while let slot = slots.first, let response = slot.response {
            if response.resetsConnection {
                closeAfterResponses()
                socket.reset()
                return
            }
            slots.removeFirst()
            var closeAfter = slot.closeAfter || response.headers.hasToken("close", in: "Connection")
                || (peerFinished && slots.isEmpty)
            if case .stream = response.body, slot.head?.version == .http1_0 {
                // Without chunked encoding the body ends where the connection does.
                closeAfter = true
            }
            let stream = queue(response, for: slot, closing: closeAfter)
            queued = true
            unlinkSpool(slot)
            idleSince = monotonicNanoseconds()
            if let stream {
                startStreaming(stream, chunked: slot.head?.version != .http1_0, closeAfter: closeAfter)
                return
            }
            if closeAfter {
                closeAfterResponses()
                return
            }
            if let next = slots.first, next.needsContinue { sendContinue(next) }
        }
        if peerFinished && slots.isEmpty && streaming == nil {
            closeAfterResponses()
            return
        }
        if queued { socket.flushOnQueue() }
        resumeAfterPipelining()
        armTimer()
    }

    /// `reset`: the connection is reset (RST) once what is queued is written.
    func closeAfterResponses(reset: Bool = false) {
        closing = true
        inputHalted = true
        pendingInput = []
        receiving?.body.discard()
        receiving = nil
        // Requests read ahead of a closing response are dropped; answers
        // still to come will find no slot and release their bodies.
        for slot in slots where !slot.handlerCalled || slot.response != nil {
            unlinkSpool(slot)
            slot.response?.body.release()
        }
        slots.removeAll { !$0.handlerCalled || $0.response != nil }
        if reset {
            socket.resetAfterWriting()
        } else if peerFinished {
            socket.closeAfterWriting()
        } else {
            socket.closeAfterWriting(linger: context.limits.lingerTimeout)
        }
        armTimer()
    }

    /// Queues the head and body; a stream body is returned for the caller to start.
    private func queue(_ response: HTTPResponse, for slot: Slot, closing: Bool) -> HTTPBodyStream? {
        var headers = response.headers
        let isHead = slot.head?.method == "HEAD"
        let status = response.status
        let bodyForbidden = (100...199).contains(status) || status == 204 || status == 304
        var body = response.body
        if bodyForbidden {
            // RFC 9110 §8.6: no Content-Length on 1xx/204; a 304 keeps the handler's.
            if status != 304 { headers.remove("Content-Length") }
        } else if let length = body.length {
            if isHead {
                if !headers.contains("Content-Length") { headers.set("Content-Length", String(length)) }
            } else if headers["Content-Length"] != String(length) {
                // Framing must match the bytes actually sent.
                headers.set("Content-Length", String(length))
            }
        } else if !isHead {
            headers.remove("Content-Length")
            headers.remove("Transfer-Encoding")
            if slot.head?.version != .http1_0 { headers.add("Transfer-Encoding", "chunked") }
        }
        if bodyForbidden || isHead {
            body.release()
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
            return stream
        }
        return nil
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
        streaming?.stream.cancel()
        streaming = nil
        // Slots whose handler still runs are cleaned up when it answers.
        for slot in slots where !slot.handlerCalled || slot.response != nil {
            unlinkSpool(slot)
            slot.response?.body.release()
        }
        slots.removeAll { !$0.handlerCalled || $0.response != nil }
    }
}

/// Takes a connection whose first byte was 0x03 (RTMP), with the bytes read
/// so far, on the connection's queue. The connection's reading is paused
/// until the handler calls `start` on it.
public typealias RawConnectionHandler = @Sendable (_ connection: SocketConnection, _ alreadyRead: [UInt8]) -> Void
