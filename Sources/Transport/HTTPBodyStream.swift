import Synchronization

/// A response body produced over time (Server-Sent Events and the like).
///
/// The producer calls `write` and `finish` from any thread. HTTP/1.1 clients
/// get chunked framing, HTTP/1.0 clients a body delimited by the close; the
/// connection always closes after a streamed body. `onClose` runs once, when
/// the connection is gone (finished, closed by the peer, too slow, or the
/// server stopped), so the producer can stop.
public final class HTTPBodyStream: Sendable {
    /// Unsent bytes a reader may leave behind before it is dropped.
    public static let defaultMaxBacklogBytes = 4 * 1024 * 1024

    public let maxBacklogBytes: Int

    private struct State {
        var socket: SocketConnection?
        var chunked = false
        /// Written before the response head went out.
        var early: [[UInt8]] = []
        var finishRequested = false
        var closed = false
        var onClose: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    public init(maxBacklogBytes: Int = HTTPBodyStream.defaultMaxBacklogBytes) {
        self.maxBacklogBytes = maxBacklogBytes
    }

    /// Sets the handler run once the connection is gone; runs it at once if it already is.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.closed { return true }
            state.onClose = handler
            return false
        }
        if runNow { handler() }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Queues bytes after everything written before. Ignored once closed or finished.
    public func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { state in
            guard !state.closed, !state.finishRequested else { return }
            guard let socket = state.socket else {
                state.early.append(bytes)
                return
            }
            let framed = state.chunked ? Self.chunk(bytes) : bytes
            let limit = Int64(maxBacklogBytes)
            // Writes keep their order: the socket runs them on its queue in call order.
            socket.loop.execute {
                socket.writeOnQueue(framed)
                if socket.pendingWriteBytes > limit {
                    socket.close()
                } else {
                    socket.flushOnQueue()
                }
            }
        }
    }

    /// Ends the body; the connection closes once it is sent.
    public func finish() {
        state.withLock { state in
            guard !state.closed, !state.finishRequested else { return }
            state.finishRequested = true
            guard let socket = state.socket else { return }
            let chunked = state.chunked
            socket.loop.execute {
                if chunked { socket.writeOnQueue(Self.lastChunk) }
                socket.closeAfterWriting()
            }
        }
    }

    // MARK: transport side, on the socket's queue

    /// Called once the response head is queued.
    func attach(_ socket: SocketConnection, chunked: Bool) {
        let (early, finish) = state.withLock { state -> ([[UInt8]], Bool) in
            state.socket = socket
            state.chunked = chunked
            defer { state.early = [] }
            return (state.early, state.finishRequested)
        }
        for bytes in early { socket.writeOnQueue(chunked ? Self.chunk(bytes) : bytes) }
        if finish {
            if chunked { socket.writeOnQueue(Self.lastChunk) }
            socket.closeAfterWriting()
        } else {
            socket.flushOnQueue()
        }
    }

    /// The connection is gone (or the response was never sent).
    func connectionClosed() {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.closed else { return nil }
            state.closed = true
            state.socket = nil
            state.early = []
            defer { state.onClose = nil }
            return state.onClose
        }
        handler?()
    }

    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.reserveCapacity(out.count + bytes.count + 4)
        out.append(contentsOf: [0x0D, 0x0A])
        out.append(contentsOf: bytes)
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }
}

extension SocketConnection {
    func writeOnQueue(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeOnQueue($0) }
    }
}
