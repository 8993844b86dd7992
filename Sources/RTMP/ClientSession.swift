/// The publishing client side of an RTMP connection, sans-I/O: handshake,
/// connect, createStream, publish, then media, then unpublish. Used by the
/// built-in publisher and by tests.
///
/// Sends the command sequence FFmpeg sends (media-pipeline.md §3.2), with
/// the same chunk stream layout, and announces its own chunk size as OBS
/// does.
public struct ClientSession: Sendable {
    public typealias Output = SessionOutput<ClientEvent>

    public struct Configuration: Sendable, Equatable {
        public var app: String
        public var tcUrl: String
        /// The publish name, query included (`channel?playlistName=…`).
        public var streamName: String
        public var publishType = "live"
        public var flashVer = "FMLE/3.0 (compatible; oss-live-emulator)"
        public var useDigestHandshake = false
        public var limits = RTMPLimits.default

        public init(app: String, tcUrl: String, streamName: String) {
            self.app = app
            self.tcUrl = tcUrl
            self.streamName = streamName
        }
    }

    private enum State {
        case idle
        case handshaking
        case connecting
        case creatingStream
        case awaitingPublishStart(streamID: UInt32)
        case publishing(streamID: UInt32)
        case closed
    }

    private enum Transaction {
        static let connect: Double = 1
        static let releaseStream: Double = 2
        static let fcPublish: Double = 3
        static let createStream: Double = 4
        static let publish: Double = 5
        static let fcUnpublish: Double = 6
        static let deleteStream: Double = 7
    }

    public let configuration: Configuration
    private var state = State.idle
    private var handshake: ClientHandshake
    private var link: MessageLink
    private let started: ContinuousClock.Instant

    public init(configuration: Configuration, now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.handshake = ClientHandshake(useDigest: configuration.useDigestHandshake)
        self.link = MessageLink(limits: configuration.limits)
        self.started = now
    }

    public var isPublishing: Bool {
        if case .publishing = state { return true }
        return false
    }

    /// Bytes received so far, modulo 2³² (what an Acknowledgement reports).
    public var receivedByteCount: UInt32 { link.received }

    /// Whether a digest handshake was answered with a valid server digest.
    public var serverDigestVerified: Bool { handshake.serverVerified }

    /// When `checkTimeouts(now:)` should run next; nil once publishing or closed.
    public var nextDeadline: ContinuousClock.Instant? {
        switch state {
        case .idle, .handshaking:
            return started + min(configuration.limits.handshakeTimeout, configuration.limits.publishTimeout)
        case .connecting, .creatingStream, .awaitingPublishStart:
            return started + configuration.limits.publishTimeout
        case .publishing, .closed:
            return nil
        }
    }

    /// C0 + C1, the first bytes to send.
    public mutating func start() -> Output {
        var out = Output()
        guard case .idle = state else { return out }
        state = .handshaking
        out.bytes = handshake.start()
        return out
    }

    public mutating func receive(_ bytes: [UInt8], now: ContinuousClock.Instant) -> Output {
        bytes.withUnsafeBytes { receive($0, now: now) }
    }

    /// Received bytes straight from the owner's read buffer; they are copied
    /// before this returns.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> Output {
        var out = Output()
        switch state {
        case .idle, .closed: return out
        case .handshaking, .connecting, .creatingStream, .awaitingPublishStart, .publishing: break
        }
        do throws(RTMPError) {
            try process(bytes, into: &out)
        } catch {
            close(.protocolViolation(error), into: &out)
        }
        return out
    }

    public mutating func checkTimeouts(now: ContinuousClock.Instant) -> Output {
        var out = Output()
        let limits = configuration.limits
        switch state {
        case .idle, .handshaking:
            if now - started >= limits.handshakeTimeout { close(.handshakeTimeout, into: &out) }
            else if now - started >= limits.publishTimeout { close(.publishTimeout, into: &out) }
        case .connecting, .creatingStream, .awaitingPublishStart:
            if now - started >= limits.publishTimeout { close(.publishTimeout, into: &out) }
        case .publishing, .closed:
            break
        }
        return out
    }

    // MARK: - Sending media

    /// An audio message (FLV audio tag body).
    public mutating func sendAudio(timestamp: UInt32, payload: [UInt8]) throws(ClientSessionError) -> [UInt8] {
        try sendMedia(type: RTMPMessageType.audio, timestamp: timestamp, payload: payload)
    }

    /// A video message (FLV video tag body).
    public mutating func sendVideo(timestamp: UInt32, payload: [UInt8]) throws(ClientSessionError) -> [UInt8] {
        try sendMedia(type: RTMPMessageType.video, timestamp: timestamp, payload: payload)
    }

    /// Metadata from an FLV script tag body (`"onMetaData"` + ECMA array),
    /// sent as `@setDataFrame` the way publishers do.
    public mutating func sendMetadata(timestamp: UInt32, scriptData: [UInt8]) throws(ClientSessionError) -> [UInt8] {
        var payload = AMF0Encoder.encode(.string("@setDataFrame"))
        payload.append(contentsOf: scriptData)
        return try sendMedia(type: RTMPMessageType.amf0Data, timestamp: timestamp, payload: payload)
    }

    /// FCUnpublish and deleteStream; the owner then closes the connection.
    public mutating func unpublish() -> Output {
        var out = Output()
        guard case .publishing(let streamID) = state else { return out }
        let name = AMF0Value.string(configuration.streamName)
        link.send(RTMPCommand(name: "FCUnpublish", transactionID: Transaction.fcUnpublish, arguments: [name]),
                  .command, into: &out.bytes)
        link.send(RTMPCommand(name: "deleteStream", transactionID: Transaction.deleteStream,
                              arguments: [.number(Double(streamID))]), .command, into: &out.bytes)
        close(.finished, into: &out)
        return out
    }

    private mutating func sendMedia(type: UInt8, timestamp: UInt32, payload: [UInt8]) throws(ClientSessionError) -> [UInt8] {
        guard case .publishing(let streamID) = state else { throw .notPublishing }
        var out: [UInt8] = []
        let route: MessageLink.Route
        switch type {
        case RTMPMessageType.video: route = .video(streamID: streamID)
        case RTMPMessageType.audio: route = .audio(streamID: streamID)
        default: route = .data(streamID: streamID)
        }
        link.send(route, type: type, timestamp: timestamp, payload: payload, into: &out)
        return out
    }

    // MARK: - Input processing

    private mutating func process(_ bytes: UnsafeRawBufferPointer, into out: inout Output) throws(RTMPError) {
        link.count(received: bytes.count)
        defer { if out.close == nil { link.acknowledgeIfDue(into: &out.bytes) } }
        if case .handshaking = state {
            switch try handshake.receive(bytes) {
            case .needMoreBytes:
                return
            case .done(let c2, let remainder):
                out.bytes.append(contentsOf: c2)
                state = .connecting
                sendConnect(into: &out)
                link.decoder.append(remainder)
            }
        } else {
            link.decoder.append(bytes)
        }
        while out.close == nil, let message = try link.decoder.nextMessage() {
            if try link.handleControl(message, into: &out.bytes) { continue }
            guard message.typeID == RTMPMessageType.amf0Command || message.typeID == RTMPMessageType.amf3Command else {
                continue
            }
            let command = try RTMPCommand(
                payload: message.payload, typeID: message.typeID, maxDepth: configuration.limits.maxAMFDepth)
            try handle(command, into: &out)
        }
    }

    private mutating func sendConnect(into out: inout Output) {
        let object: AMF0Value = .object([
            AMF0Property("app", .string(configuration.app)),
            AMF0Property("type", .string("nonprivate")),
            AMF0Property("flashVer", .string(configuration.flashVer)),
            AMF0Property("tcUrl", .string(configuration.tcUrl)),
        ])
        link.send(RTMPCommand(name: "connect", transactionID: Transaction.connect, object: object), .command,
                  into: &out.bytes)
    }

    private mutating func handle(_ command: RTMPCommand, into out: inout Output) throws(RTMPError) {
        switch command.name {
        case "_result":
            if command.transactionID == Transaction.connect, case .connecting = state {
                state = .creatingStream
                out.events.append(.connected)
                link.announceChunkSize(configuration.limits.outgoingChunkSize, into: &out.bytes)
                let name = AMF0Value.string(configuration.streamName)
                link.send(RTMPCommand(name: "releaseStream", transactionID: Transaction.releaseStream,
                                      arguments: [name]), .command, into: &out.bytes)
                link.send(RTMPCommand(name: "FCPublish", transactionID: Transaction.fcPublish, arguments: [name]),
                          .command, into: &out.bytes)
                link.send(RTMPCommand(name: "createStream", transactionID: Transaction.createStream), .command,
                          into: &out.bytes)
            } else if command.transactionID == Transaction.createStream, case .creatingStream = state {
                guard let number = command.argument(0)?.numberValue, let streamID = UInt32(exactly: number) else {
                    throw .invalidCommand("createStream result without a stream id")
                }
                state = .awaitingPublishStart(streamID: streamID)
                link.send(RTMPCommand(name: "publish", transactionID: Transaction.publish,
                                      arguments: [.string(configuration.streamName),
                                                  .string(configuration.publishType)]),
                          .publish(streamID: streamID), into: &out.bytes)
            }
        case "_error":
            let info = command.argument(0)
            guard command.transactionID == Transaction.connect || command.transactionID == Transaction.createStream
                || command.transactionID == Transaction.publish
            else { return }  // errors for releaseStream/FCPublish are harmless
            close(.publishRejected(code: info?["code"]?.stringValue ?? "",
                                   description: info?["description"]?.stringValue ?? ""), into: &out)
        case "onStatus":
            let info = command.argument(0)
            let code = info?["code"]?.stringValue ?? ""
            if code == PublishStatusCode.start.rawValue, case .awaitingPublishStart(let streamID) = state {
                state = .publishing(streamID: streamID)
                out.events.append(.publishStarted(streamID: streamID))
            } else if info?["level"]?.stringValue == "error" {
                close(.publishRejected(code: code, description: info?["description"]?.stringValue ?? ""),
                      into: &out)
            }
        default:
            break  // onBWDone, onFCPublish and the like need no answer
        }
    }

    private mutating func close(_ reason: CloseReason, into out: inout Output) {
        state = .closed
        out.close = reason
    }
}

/// What the client session reports.
public enum ClientEvent: Sendable, Equatable {
    /// The server accepted `connect`.
    case connected
    /// `NetStream.Publish.Start` arrived: media may be sent.
    case publishStarted(streamID: UInt32)
}

public enum ClientSessionError: Error, Sendable, Equatable {
    /// Media can only be sent between Publish.Start and unpublish.
    case notPublishing
}
