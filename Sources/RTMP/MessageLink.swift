/// The part of a session shared by server and client: chunk decoding and
/// encoding, acknowledgements of what we receive, Ping answers and the
/// peer's control messages.
struct MessageLink: Sendable {
    var decoder: ChunkDecoder
    var encoder = ChunkEncoder()
    /// The peer's Window Acknowledgement Size; 0 until announced.
    private(set) var peerWindow: UInt32 = 0
    /// Bytes received, modulo 2³² (the Acknowledgement sequence number).
    private(set) var received: UInt32 = 0
    private var lastAcknowledged: UInt32 = 0

    init(limits: RTMPLimits) {
        decoder = ChunkDecoder(limits: limits)
    }

    mutating func count(received count: Int) {
        received &+= UInt32(truncatingIfNeeded: count)
    }

    /// Sends an Acknowledgement once a window is full. Called after the
    /// input is handled, so a window announced in that input applies at once.
    mutating func acknowledgeIfDue(into out: inout [UInt8]) {
        guard peerWindow > 0, received &- lastAcknowledged >= peerWindow else { return }
        lastAcknowledged = received
        send(.control, type: RTMPMessageType.acknowledgement, payload: ControlPayload.word(received), into: &out)
    }

    /// Handles protocol control and User Control messages. Returns false for
    /// any other message type.
    mutating func handleControl(_ message: RTMPMessage, into out: inout [UInt8]) throws(RTMPError) -> Bool {
        switch message.typeID {
        case RTMPMessageType.setChunkSize, RTMPMessageType.abort:
            return true  // applied by the decoder
        case RTMPMessageType.acknowledgement, RTMPMessageType.setPeerBandwidth:
            return true  // we never throttle what we send
        case RTMPMessageType.windowAcknowledgementSize:
            guard message.payload.count >= 4 else { throw .malformedControlMessage(type: message.typeID) }
            peerWindow = message.payload.uint32(at: 0)
            return true
        case RTMPMessageType.userControl:
            guard let event = UserControlEvent(payload: message.payload) else {
                throw .malformedControlMessage(type: message.typeID)
            }
            if case .pingRequest(let timestamp) = event {
                send(.control, type: RTMPMessageType.userControl,
                     payload: UserControlEvent.pingResponse(timestamp: timestamp).payload, into: &out)
            }
            return true
        default:
            return false
        }
    }

    enum Route {
        case control
        case command
        case status(streamID: UInt32)
        case publish(streamID: UInt32)
        case audio(streamID: UInt32)
        case video(streamID: UInt32)
        case data(streamID: UInt32)

        var chunkStreamID: UInt32 {
            switch self {
            case .control: return RTMPChunkStream.control
            case .command: return RTMPChunkStream.command
            case .status: return RTMPChunkStream.status
            case .publish: return RTMPChunkStream.publish
            case .audio, .data: return RTMPChunkStream.audioAndData
            case .video: return RTMPChunkStream.video
            }
        }

        var messageStreamID: UInt32 {
            switch self {
            case .control, .command: return 0
            case .status(let id), .publish(let id), .audio(let id), .video(let id), .data(let id): return id
            }
        }
    }

    mutating func send(
        _ route: Route, type: UInt8, timestamp: UInt32 = 0, payload: [UInt8], into out: inout [UInt8]
    ) {
        encoder.encode(
            chunkStreamID: route.chunkStreamID, timestamp: timestamp, typeID: type,
            messageStreamID: route.messageStreamID, payload: payload[...], into: &out)
    }

    mutating func send(_ command: RTMPCommand, _ route: Route, into out: inout [UInt8]) {
        send(route, type: RTMPMessageType.amf0Command, payload: command.encoded(), into: &out)
    }

    /// Announces and switches to a new outgoing chunk size.
    mutating func announceChunkSize(_ size: Int, into out: inout [UInt8]) {
        let size = min(max(size, 1), 0xFF_FFFF)
        send(.control, type: RTMPMessageType.setChunkSize, payload: ControlPayload.word(UInt32(size)), into: &out)
        encoder.setChunkSize(size)
    }
}
