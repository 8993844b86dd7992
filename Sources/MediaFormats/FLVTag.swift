/// FLV tag types, which are also the RTMP message type ids of media messages.
public enum FLVTagType: UInt8, Sendable {
    case audio = 8
    case video = 9
    case script = 18
}

/// One FLV tag (or RTMP media message): type, 32-bit millisecond timestamp
/// and body. The body is a slice of the caller's buffer, never a copy.
public struct FLVTag: Sendable, Equatable {
    /// Raw tag type; see `FLVTagType` for the ones that carry media.
    public var type: UInt8
    /// Milliseconds; the FLV file stores the low 24 bits then the high 8.
    public var timestamp: UInt32
    public var payload: ArraySlice<UInt8>

    public init(type: UInt8, timestamp: UInt32, payload: ArraySlice<UInt8>) {
        self.type = type
        self.timestamp = timestamp
        self.payload = payload
    }

    public var knownType: FLVTagType? { FLVTagType(rawValue: type) }
}
