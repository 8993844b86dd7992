/// Every limit an RTMP session enforces, with defaults for a server that
/// carries many publishers (media-pipeline.md §2.6). Tests shrink them.
public struct RTMPLimits: Sendable, Equatable {
    /// Largest Set Chunk Size accepted from the peer. The protocol caps the
    /// useful value at 0xFFFFFF; larger announcements are clamped first.
    public var maxChunkSize: Int = 0xFF_FFFF
    /// Largest message accepted: room for 4K key frames (nginx's 1 MiB is too
    /// small for them) while bounding what one message can buffer.
    public var maxMessageLength: Int = 8 << 20
    /// Largest command or data message (AMF-decoded); metadata of real
    /// encoders is a few KiB.
    public var maxDataMessageLength: Int = 1 << 20
    /// Chunk streams with state per connection; publishers use about five.
    public var maxChunkStreams: Int = 64
    /// Partially received message bytes held per connection, over all chunk
    /// streams together.
    public var maxBufferedBytes: Int = 16 << 20
    /// AMF0 nesting depth.
    public var maxAMFDepth: Int = AMF0Decoder.defaultMaxDepth
    /// From the first byte to a complete handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// From the first byte to a publish request.
    public var publishTimeout: Duration = .seconds(30)
    /// Silence allowed from a connection once it publishes.
    public var idleTimeout: Duration = .seconds(60)
    /// Chunk size we announce and write with.
    public var outgoingChunkSize: Int = 4096
    /// Window Acknowledgement Size and Set Peer Bandwidth we announce.
    public var windowAcknowledgementSize: UInt32 = 2_500_000

    public init() {}

    public static let `default` = RTMPLimits()
}
