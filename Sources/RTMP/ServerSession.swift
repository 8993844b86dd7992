/// The server side of one RTMP connection, sans-I/O (media-pipeline.md §1–§3).
///
/// The owner feeds received bytes and the current time, performs the
/// returned `Output` (write bytes, handle events, close), calls
/// `checkTimeouts(now:)` at `nextDeadline`, and answers each
/// `publishRequested` with `acceptPublish(now:)` or `rejectPublish`.
///
/// While a publish waits for the owner's decision, the bytes that follow it
/// are held unparsed (up to `maxBufferedBytes`) and processed on accept, so
/// a client that does not wait for `NetStream.Publish.Start` loses nothing.
/// Audio, video and data outside a publish are dropped and counted.
public struct ServerSession: Sendable {
    public typealias Output = SessionOutput<ServerEvent>

    private enum State {
        case handshaking
        case awaitingConnect
        case connected
        case awaitingDecision(PublishRequest)
        case publishing(PublishRequest)
        case closed
    }

    /// The stream id `createStream` returns (nginx and SRS use 1).
    public static let streamID: UInt32 = 1

    public let limits: RTMPLimits
    private var state = State.handshaking
    private var handshake = ServerHandshake()
    private var link: MessageLink
    private var connection: ConnectRequest?
    private let started: ContinuousClock.Instant
    private var lastInput: ContinuousClock.Instant
    /// Media and data messages dropped because no publish was active.
    public private(set) var droppedMessages = 0

    public init(limits: RTMPLimits = .default, now: ContinuousClock.Instant) {
        self.limits = limits
        self.link = MessageLink(limits: limits)
        self.started = now
        self.lastInput = now
    }

    /// The handshake form chosen, once C1 has arrived.
    public var handshakeMode: ServerHandshake.Mode? { handshake.mode }

    public var isPublishing: Bool {
        if case .publishing = state { return true }
        return false
    }

    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// When `checkTimeouts(now:)` should run next; nil once closed.
    public var nextDeadline: ContinuousClock.Instant? {
        switch state {
        case .handshaking:
            return started + min(limits.handshakeTimeout, limits.publishTimeout)
        case .awaitingConnect, .connected:
            return started + limits.publishTimeout
        case .awaitingDecision, .publishing:
            return lastInput + limits.idleTimeout
        case .closed:
            return nil
        }
    }

    // MARK: - Events from the owner

    public mutating func receive(_ bytes: [UInt8], now: ContinuousClock.Instant) -> Output {
        bytes.withUnsafeBytes { receive($0, now: now) }
    }

    /// Received bytes straight from the owner's read buffer; they are copied
    /// before this returns.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> Output {
        var out = Output()
        if case .closed = state { return out }
        lastInput = now
        do throws(RTMPError) {
            try process(bytes, into: &out)
        } catch {
            close(.protocolViolation(error), into: &out)
        }
        return out
    }

    public mutating func checkTimeouts(now: ContinuousClock.Instant) -> Output {
        var out = Output()
        switch state {
        case .handshaking:
            if now - started >= limits.handshakeTimeout {
                close(.handshakeTimeout, into: &out)
            } else if now - started >= limits.publishTimeout {
                close(.publishTimeout, into: &out)
            }
        case .awaitingConnect, .connected:
            if now - started >= limits.publishTimeout { close(.publishTimeout, into: &out) }
        case .awaitingDecision, .publishing:
            if now - lastInput >= limits.idleTimeout { close(.idleTimeout, into: &out) }
        case .closed:
            break
        }
        return out
    }

    /// Starts the publish: StreamBegin, then `onStatus NetStream.Publish.Start`.
    /// Does nothing when the request is no longer pending.
    public mutating func acceptPublish(now: ContinuousClock.Instant) -> Output {
        var out = Output()
        guard case .awaitingDecision(let request) = state else { return out }
        state = .publishing(request)
        lastInput = now
        link.send(.control, type: RTMPMessageType.userControl,
                  payload: UserControlEvent.streamBegin(streamID: request.streamID).payload, into: &out.bytes)
        link.send(
            .onStatus(level: "status", code: PublishStatusCode.start.rawValue, description: "Start publishing",
                      details: request.streamName),
            .status(streamID: request.streamID), into: &out.bytes)
        do throws(RTMPError) {
            try drainMessages(into: &out)
        } catch {
            close(.protocolViolation(error), into: &out)
        }
        return out
    }

    /// Refuses the publish with an error `onStatus` and closes.
    /// Does nothing when the request is no longer pending.
    public mutating func rejectPublish(code: PublishStatusCode, description: String) -> Output {
        var out = Output()
        guard case .awaitingDecision(let request) = state else { return out }
        link.send(.onStatus(level: "error", code: code.rawValue, description: description),
                  .status(streamID: request.streamID), into: &out.bytes)
        state = .closed
        out.close = .publishRejected(code: code.rawValue, description: description)
        return out
    }

    /// Ends the session at the owner's request (for example, the channel
    /// was disabled): an error `onStatus` if a publish is pending or live,
    /// then close.
    public mutating func terminate(code: PublishStatusCode = .denied, description: String) -> Output {
        var out = Output()
        switch state {
        case .awaitingDecision(let request), .publishing(let request):
            link.send(.onStatus(level: "error", code: code.rawValue, description: description),
                      .status(streamID: request.streamID), into: &out.bytes)
        case .handshaking, .awaitingConnect, .connected, .closed:
            break
        }
        if case .closed = state { return out }
        close(.terminated(description: description), into: &out)
        return out
    }

    /// The owner saw the connection close (EOF or error).
    public mutating func connectionClosed() -> Output {
        var out = Output()
        switch state {
        case .awaitingDecision, .publishing:
            out.events.append(.publishEnded(.connectionClosed))
        case .handshaking, .awaitingConnect, .connected, .closed:
            break
        }
        state = .closed
        return out
    }

    // MARK: - Input processing

    private mutating func process(_ bytes: UnsafeRawBufferPointer, into out: inout Output) throws(RTMPError) {
        link.count(received: bytes.count)
        defer { if out.close == nil { link.acknowledgeIfDue(into: &out.bytes) } }
        if case .handshaking = state {
            var step = try handshake.receive(bytes)
            while true {
                switch step {
                case .needMoreBytes:
                    return
                case .send(let reply):
                    out.bytes.append(contentsOf: reply)
                    step = try handshake.receive([])
                    continue
                case .done(let remainder):
                    state = .awaitingConnect
                    link.decoder.append(remainder)
                }
                break
            }
        } else {
            link.decoder.append(bytes)
        }
        try drainMessages(into: &out)
    }

    /// Handles every complete message, pausing while a publish decision is
    /// pending.
    private mutating func drainMessages(into out: inout Output) throws(RTMPError) {
        while out.close == nil {
            if case .awaitingDecision = state {
                guard link.decoder.pendingInputCount <= limits.maxBufferedBytes else {
                    throw .bufferedBytesExceeded(limit: limits.maxBufferedBytes)
                }
                return
            }
            guard let message = try link.decoder.nextMessage() else { return }
            try handle(message, into: &out)
        }
    }

    private mutating func handle(_ message: RTMPMessage, into out: inout Output) throws(RTMPError) {
        if try link.handleControl(message, into: &out.bytes) { return }
        switch message.typeID {
        case RTMPMessageType.amf0Command, RTMPMessageType.amf3Command:
            guard message.payload.count <= limits.maxDataMessageLength else {
                throw .messageTooLong(length: message.payload.count, limit: limits.maxDataMessageLength)
            }
            let command = try RTMPCommand(payload: message.payload, typeID: message.typeID, maxDepth: limits.maxAMFDepth)
            try handle(command, streamID: message.messageStreamID, into: &out)
        case RTMPMessageType.audio, RTMPMessageType.video, RTMPMessageType.amf0Data, RTMPMessageType.amf3Data:
            deliver(typeID: message.typeID, timestamp: message.timestamp, payload: message.payload, into: &out)
        case RTMPMessageType.aggregate:
            for part in AggregateMessage.split(message.payload, timestamp: message.timestamp) {
                deliver(typeID: part.typeID, timestamp: part.timestamp, payload: part.payload, into: &out)
            }
        default:
            break  // shared objects and unknown types carry nothing for ingest
        }
    }

    private mutating func deliver(typeID: UInt8, timestamp: UInt32, payload: [UInt8], into out: inout Output) {
        guard case .publishing = state else {
            droppedMessages += 1
            return
        }
        switch typeID {
        case RTMPMessageType.audio:
            out.events.append(.audio(MediaMessage(timestamp: timestamp, payload: payload)))
        case RTMPMessageType.video:
            out.events.append(.video(MediaMessage(timestamp: timestamp, payload: payload)))
        case RTMPMessageType.amf0Data, RTMPMessageType.amf3Data:
            if let data = Self.dataMessage(typeID: typeID, timestamp: timestamp, payload: payload, limits: limits) {
                out.events.append(.data(data))
            } else {
                droppedMessages += 1
            }
        default:
            droppedMessages += 1
        }
    }

    /// Decodes a data message, removing `@setDataFrame`. Undecodable data
    /// (AMF3 values, oversized) is dropped rather than ending a publish.
    static func dataMessage(typeID: UInt8, timestamp: UInt32, payload: [UInt8], limits: RTMPLimits) -> DataMessage? {
        guard payload.count <= limits.maxDataMessageLength else { return nil }
        let offset = typeID == RTMPMessageType.amf3Data ? 1 : 0
        guard var values = try? AMF0Decoder.decodeAll(payload, from: offset, maxDepth: limits.maxAMFDepth),
            var name = values.first?.stringValue
        else { return nil }
        values.removeFirst()
        if name == "@setDataFrame", let inner = values.first?.stringValue {
            name = inner
            values.removeFirst()
        }
        return DataMessage(timestamp: timestamp, name: name, values: values)
    }

    private mutating func handle(_ command: RTMPCommand, streamID: UInt32, into out: inout Output) throws(RTMPError) {
        if case .awaitingConnect = state {
            guard command.name == "connect" else { throw .unexpectedCommand(command.name) }
            connect(command, into: &out)
            return
        }
        switch command.name {
        case "connect":
            throw .unexpectedCommand(command.name)
        case "FCPublish":
            let name = command.argument(0)?.stringValue ?? ""
            let info: AMF0Value = .object([
                AMF0Property("code", .string(PublishStatusCode.start.rawValue)),
                AMF0Property("description", .string(name)),
            ])
            link.send(RTMPCommand(name: "onFCPublish", transactionID: 0, arguments: [info]), .command, into: &out.bytes)
        case "createStream":
            link.send(RTMPCommand(name: "_result", transactionID: command.transactionID,
                                  arguments: [.number(Double(Self.streamID))]), .command, into: &out.bytes)
        case "publish":
            try publish(command, streamID: streamID, into: &out)
        case "play", "play2":
            link.send(.onStatus(level: "error", code: PublishStatusCode.playFailed.rawValue,
                                description: "RTMP playback is not supported; play the HLS playlist over HTTP"),
                      .status(streamID: streamID), into: &out.bytes)
            close(.playRefused, into: &out)
        case "FCUnpublish", "deleteStream", "closeStream":
            switch state {
            case .awaitingDecision, .publishing:
                state = .connected
                out.events.append(.publishEnded(.unpublished(command: command.name)))
            case .handshaking, .awaitingConnect, .connected, .closed:
                break
            }
        default:
            break  // releaseStream, _checkbw, replies and unknown calls need no answer
        }
    }

    private mutating func connect(_ command: RTMPCommand, into out: inout Output) {
        let request = ConnectRequest(object: command.object)
        connection = request
        state = .connected
        out.events.append(.connected(request))
        let window = limits.windowAcknowledgementSize
        link.send(.control, type: RTMPMessageType.windowAcknowledgementSize,
                  payload: ControlPayload.word(window), into: &out.bytes)
        link.send(.control, type: RTMPMessageType.setPeerBandwidth,
                  payload: ControlPayload.setPeerBandwidth(window, .dynamic), into: &out.bytes)
        link.announceChunkSize(limits.outgoingChunkSize, into: &out.bytes)
        let properties: AMF0Value = .object([
            AMF0Property("fmsVer", .string("FMS/3,0,1,123")),
            AMF0Property("capabilities", .number(31)),
        ])
        let information: AMF0Value = .object([
            AMF0Property("level", .string("status")),
            AMF0Property("code", .string("NetConnection.Connect.Success")),
            AMF0Property("description", .string("Connection succeeded.")),
            AMF0Property("objectEncoding", .number(request.objectEncoding)),
        ])
        link.send(RTMPCommand(name: "_result", transactionID: command.transactionID, object: properties,
                              arguments: [information]), .command, into: &out.bytes)
        link.send(RTMPCommand(name: "onBWDone", transactionID: 0), .command, into: &out.bytes)
    }

    private mutating func publish(_ command: RTMPCommand, streamID: UInt32, into out: inout Output) throws(RTMPError) {
        guard case .connected = state else { throw .unexpectedCommand(command.name) }
        let name = command.argument(0)?.stringValue ?? ""
        let request = PublishRequest(
            app: connection?.app ?? "", tcUrl: connection?.tcUrl, streamName: name,
            publishType: command.argument(1)?.stringValue ?? "live", streamID: streamID)
        state = .awaitingDecision(request)
        guard !name.isEmpty else {
            let rejection = rejectPublish(code: .badName, description: "No stream name given")
            out.bytes.append(contentsOf: rejection.bytes)
            out.close = rejection.close
            return
        }
        out.events.append(.publishRequested(request))
    }

    private mutating func close(_ reason: CloseReason, into out: inout Output) {
        switch state {
        case .awaitingDecision, .publishing:
            out.events.append(.publishEnded(.closed(reason)))
        case .handshaking, .awaitingConnect, .connected, .closed:
            break
        }
        state = .closed
        out.close = reason
    }
}
