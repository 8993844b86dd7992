import Dispatch
import Locking

/// A response body produced over time (server-sent events, generated
/// downloads). Write from any thread, then `finish()`; bytes written before
/// the response goes out are buffered.
///
/// HTTP/1.1 sends it with `Transfer-Encoding: chunked` (the handler's
/// Content-Length and Transfer-Encoding are replaced); HTTP/1.0 delimits it by
/// closing the connection. Responses to later pipelined requests wait until
/// it finishes. `onCancel` runs once if the body can no longer be delivered
/// (client gone, write failed, server stopped, HEAD request); a client that
/// disconnects is noticed on the next write, so idle streams should send
/// something now and then.
public final class HTTPBodyStream: Sendable {
    enum Event: Sendable {
        case bytes([UInt8])
        case finish
        case abort(reset: Bool)
    }

    struct Sink: Sendable {
        let queue: DispatchQueue
        let deliver: @Sendable (Event) -> Void
    }

    private struct State {
        var buffered: [[UInt8]] = []
        var finished = false
        var aborted = false
        var abortResets = false
        var cancelled = false
        var sink: Sink?
        var onCancel: (@Sendable () -> Void)?
    }

    private let state: Locked<State>

    public init(onCancel: (@Sendable () -> Void)? = nil) {
        state = Locked(State(onCancel: onCancel))
    }

    /// Whether the transport gave up on this body; later writes are dropped.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        send(.bytes(bytes))
    }

    /// Ends the body; later writes are dropped.
    public func finish() { send(.finish) }

    /// Breaks the body off: what was written goes out, then the connection
    /// closes without completing it (a truncated download, on purpose); with
    /// `reset`, it is reset (RST) instead of closed, as a dropped network
    /// path or a crashed server would leave it.
    public func abort(reset: Bool = false) { send(.abort(reset: reset)) }

    private func send(_ event: Event) {
        state.withLock { state in
            guard !state.finished && !state.cancelled else { return }
            switch event {
            case .finish: state.finished = true
            case .abort(let reset):
                state.finished = true
                state.aborted = true
                state.abortResets = reset
            case .bytes: break
            }
            if let sink = state.sink {
                // Enqueued under the lock so events keep the order of the calls.
                sink.queue.async { sink.deliver(event) }
            } else if case .bytes(let bytes) = event {
                state.buffered.append(bytes)
            }
        }
    }

    /// Connects the stream to its connection; returns what was written before
    /// (and whether it already finished) for the caller to send first.
    func attach(_ sink: Sink) -> (buffered: [[UInt8]], ending: Event?) {
        state.withLock { state in
            guard !state.cancelled else { return ([], nil) }
            state.sink = sink
            let buffered = state.buffered
            state.buffered = []
            return (buffered, state.aborted ? .abort(reset: state.abortResets) : state.finished ? .finish : nil)
        }
    }

    /// Called by the transport when the body cannot be delivered.
    func cancel() {
        let onCancel = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            state.sink = nil
            state.buffered = []
            let onCancel = state.finished ? nil : state.onCancel
            state.onCancel = nil
            return onCancel
        }
        onCancel?()
    }

    /// Drops the connection once the body is complete.
    func detach() {
        state.withLock { state in
            state.sink = nil
            state.onCancel = nil
        }
    }
}
