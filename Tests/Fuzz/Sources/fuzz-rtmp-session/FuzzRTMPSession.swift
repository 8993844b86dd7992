import FuzzSupport
import RTMP

/// The whole server protocol after a completed handshake: the input is what a
/// publisher sends next (connect, createStream, publish, media...). Publish
/// requests are accepted so media and metadata paths run too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTMPSession(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    var limits = RTMPLimits()
    limits.maxMessageLength = 64 << 10
    limits.maxBufferedBytes = 256 << 10
    limits.maxChunkStreams = 8
    let now = ContinuousClock.now
    var session = ServerSession(limits: limits, now: now)
    // C0 + C1 (simple handshake, zero time and version), then C2.
    _ = session.receive([3] + [UInt8](repeating: 0, count: 1536), now: now)
    _ = session.receive([UInt8](repeating: 0, count: 1536), now: now)
    for piece in pieces(of: bytes, size: pieceSize(of: bytes)) {
        let output = piece.withUnsafeBytes { session.receive($0, now: now) }
        for event in output.events {
            if case .publishRequested = event { _ = session.acceptPublish(now: now) }
        }
        if output.close != nil || session.isClosed { break }
    }
    _ = session.checkTimeouts(now: now + .seconds(120))
    _ = session.connectionClosed()
    return 0
}
