@testable import RTMP

/// Drives a `ServerSession` the way a publisher would, with exact control
/// over the chunks it sends, and decodes what the server answers.
struct ServerHarness {
    var session: ServerSession
    var encoder = ChunkEncoder()
    var replies = ChunkDecoder()
    var now: ContinuousClock.Instant
    /// Every event the session reported, in order.
    var events: [ServerEvent] = []
    var closeReason: CloseReason?

    init(limits: RTMPLimits = .default) {
        now = .testStart
        session = ServerSession(limits: limits, now: now)
    }

    /// Sends bytes and returns the messages the server wrote back.
    mutating func feed(_ bytes: [UInt8]) throws -> [RTMPMessage] {
        collect(session.receive(bytes, now: now))
    }

    mutating func collect(_ output: ServerSession.Output) -> [RTMPMessage] {
        events += output.events
        if let close = output.close { closeReason = close }
        replies.append(output.bytes)
        var messages: [RTMPMessage] = []
        while let message = try? replies.nextMessage() { messages.append(message) }
        return messages
    }

    /// A simple handshake; afterwards the server expects chunks.
    mutating func handshake() throws {
        var c1 = [UInt8](repeating: 0, count: 1536)
        for i in 8..<1536 { c1[i] = UInt8(truncatingIfNeeded: i * 31) }
        let output = session.receive([3] + c1, now: now)
        precondition(output.bytes.count == 3073)
        _ = session.receive(Array(output.bytes[1..<1537]), now: now)
    }

    func bytes(_ command: RTMPCommand, csid: UInt32 = 3, msid: UInt32 = 0) -> [UInt8] {
        var copy = encoder
        return copy.chunks(type: 20, csid: csid, msid: msid, payload: command.encoded())
    }

    mutating func send(_ command: RTMPCommand, csid: UInt32 = 3, msid: UInt32 = 0) throws -> [RTMPMessage] {
        try send(type: 20, csid: csid, msid: msid, payload: command.encoded())
    }

    mutating func send(type: UInt8, csid: UInt32, msid: UInt32, timestamp: UInt32 = 0, payload: [UInt8]) throws
        -> [RTMPMessage]
    {
        var out: [UInt8] = []
        encoder.encode(chunkStreamID: csid, timestamp: timestamp, typeID: type, messageStreamID: msid,
                       payload: payload[...], into: &out)
        return try feed(out)
    }

    /// connect as FFmpeg sends it, then the replies.
    mutating func connect(app: String = "live", tcUrl: String = "rtmp://127.0.0.1:1935/live") throws -> [RTMPMessage] {
        try send(RTMPCommand(name: "connect", transactionID: 1, object: .object([
            AMF0Property("app", .string(app)),
            AMF0Property("type", .string("nonprivate")),
            AMF0Property("flashVer", .string("FMLE/3.0 (compatible; Lavf59.27.100)")),
            AMF0Property("tcUrl", .string(tcUrl)),
        ])))
    }

    /// releaseStream, FCPublish, createStream back to back, then publish on csid 8 / msid 1.
    mutating func requestPublish(_ name: String) throws -> [RTMPMessage] {
        var out: [UInt8] = []
        for command in [
            RTMPCommand(name: "releaseStream", transactionID: 2, arguments: [.string(name)]),
            RTMPCommand(name: "FCPublish", transactionID: 3, arguments: [.string(name)]),
            RTMPCommand(name: "createStream", transactionID: 4),
        ] {
            encoder.encode(chunkStreamID: 3, timestamp: 0, typeID: 20, messageStreamID: 0,
                           payload: command.encoded()[...], into: &out)
        }
        var replies = try feed(out)
        replies += try send(RTMPCommand(name: "publish", transactionID: 5, arguments: [.string(name), .string("live")]),
                            csid: 8, msid: 1)
        return replies
    }
}

extension ChunkEncoder {
    mutating func chunks(type: UInt8, csid: UInt32, msid: UInt32, timestamp: UInt32 = 0, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        encode(chunkStreamID: csid, timestamp: timestamp, typeID: type, messageStreamID: msid, payload: payload[...],
               into: &out)
        return out
    }
}

extension RTMPMessage {
    var command: RTMPCommand? { try? RTMPCommand(payload: payload, typeID: typeID) }
}
