/// What a session asks its owner to do after an input: write `bytes` (one
/// write, in order), handle `events`, then close the connection if `close`
/// is set.
public struct SessionOutput<Event: Sendable>: Sendable {
    public var bytes: [UInt8] = []
    public var events: [Event] = []
    public var close: CloseReason?

    public init() {}

    public var isEmpty: Bool { bytes.isEmpty && events.isEmpty && close == nil }
}

extension SessionOutput: Equatable where Event: Equatable {}

/// Why a session ended the connection.
public enum CloseReason: Sendable, Equatable {
    /// The peer broke the protocol or a limit.
    case protocolViolation(RTMPError)
    case handshakeTimeout
    /// No publish request within the limit after the first byte.
    case publishTimeout
    /// A publishing connection went silent.
    case idleTimeout
    /// The server refused the publish (sent by the server, or received by the client).
    case publishRejected(code: String, description: String)
    /// Playback was requested; this server only ingests.
    case playRefused
    /// The owner ended the session (for example, the channel was disabled).
    case terminated(description: String)
    /// The client finished: unpublished and has nothing more to say.
    case finished
}

/// One audio or video message, its payload being an FLV tag body.
public struct MediaMessage: Sendable, Equatable {
    public var timestamp: UInt32
    public var payload: [UInt8]

    public init(timestamp: UInt32, payload: [UInt8]) {
        self.timestamp = timestamp
        self.payload = payload
    }
}

/// A data message (type 18/15) with `@setDataFrame` removed: for metadata,
/// `name` is "onMetaData" and `values` holds the ECMA array.
public struct DataMessage: Sendable, Equatable {
    public var timestamp: UInt32
    public var name: String
    public var values: [AMF0Value]

    public init(timestamp: UInt32, name: String, values: [AMF0Value]) {
        self.timestamp = timestamp
        self.name = name
        self.values = values
    }
}
