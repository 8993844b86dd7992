/// Protocol violations by the peer. Each one ends the session.
public enum RTMPError: Error, Sendable, Equatable {
    /// C0/S0 carried a version other than 3 (RTMPE or garbage).
    case unsupportedVersion(UInt8)
    /// A fmt 1, 2 or 3 header on a chunk stream that has no previous header.
    case missingPreviousHeader(chunkStreamID: UInt32)
    case messageTooLong(length: Int, limit: Int)
    case tooManyChunkStreams(limit: Int)
    case bufferedBytesExceeded(limit: Int)
    /// Set Chunk Size of 0 or with bit 31 set.
    case invalidChunkSize(UInt32)
    case chunkSizeTooLarge(Int, limit: Int)
    /// A protocol control message shorter than its fixed payload.
    case malformedControlMessage(type: UInt8)
    case malformedCommand(AMF0Error)
    /// A command without a name, or with arguments of the wrong kind.
    case invalidCommand(String)
    /// A command that the current state does not allow.
    case unexpectedCommand(String)
}
