/// One reassembled RTMP message (media-pipeline.md §2).
public struct RTMPMessage: Sendable, Equatable {
    public var chunkStreamID: UInt32
    /// Absolute timestamp in milliseconds, modulo 2³².
    public var timestamp: UInt32
    public var typeID: UInt8
    public var messageStreamID: UInt32
    public var payload: [UInt8]

    public init(chunkStreamID: UInt32, timestamp: UInt32, typeID: UInt8, messageStreamID: UInt32, payload: [UInt8]) {
        self.chunkStreamID = chunkStreamID
        self.timestamp = timestamp
        self.typeID = typeID
        self.messageStreamID = messageStreamID
        self.payload = payload
    }
}

/// Message type ids (media-pipeline.md §2.5).
public enum RTMPMessageType {
    public static let setChunkSize: UInt8 = 1
    public static let abort: UInt8 = 2
    public static let acknowledgement: UInt8 = 3
    public static let userControl: UInt8 = 4
    public static let windowAcknowledgementSize: UInt8 = 5
    public static let setPeerBandwidth: UInt8 = 6
    public static let audio: UInt8 = 8
    public static let video: UInt8 = 9
    public static let amf3Data: UInt8 = 15
    public static let amf3SharedObject: UInt8 = 16
    public static let amf3Command: UInt8 = 17
    public static let amf0Data: UInt8 = 18
    public static let amf0SharedObject: UInt8 = 19
    public static let amf0Command: UInt8 = 20
    public static let aggregate: UInt8 = 22
}

/// Chunk stream ids we write on; the same layout FFmpeg uses.
public enum RTMPChunkStream {
    public static let control: UInt32 = 2
    public static let command: UInt32 = 3
    public static let audioAndData: UInt32 = 4
    public static let status: UInt32 = 5
    public static let video: UInt32 = 6
    public static let publish: UInt32 = 8
}
