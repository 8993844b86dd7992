#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Why a connection ended; passed to `onClose`.
public enum CloseReason: Sendable, Equatable {
    /// `close()` or `closeAfterWriting()` was called.
    case closedLocally
    /// The peer closed (and nothing asked to keep writing).
    case closedByPeer
    /// A socket call failed with `errno` (ECONNRESET, EPIPE, ...).
    case failed(operation: String, errno: Int32)
    /// The listener or server that accepted it was stopped.
    case serverStopped
}

/// A non-blocking TCP connection pinned to one serial queue.
///
/// Every callback runs on `queue`; the methods may be called from any thread
/// (off the queue they hop onto it, so order between calls from different
/// threads is not defined). State is confined to the queue, which is what
/// makes the class safe to share. The descriptor is closed only by the cancel
/// handler of the last Dispatch source watching it.
public final class SocketConnection: @unchecked Sendable {
    public typealias CloseReason = Transport.CloseReason

    /// Reads per readable event before yielding the queue to other connections.
    static let maxReadsPerEvent = 4
    /// Bytes discarded while lingering before giving up on a clean close.
    static let maxLingerBytes = 1024 * 1024

    public var queue: DispatchQueue { loop.queue }
    public let remoteAddress: String
    public let localPort: UInt16
    /// Uptime (ns) when accepted or connected.
    let openedAt = monotonicNanoseconds()

    let loop: ConnectionQueue
    let descriptor: Int32
    /// Only where the queue has no readiness set (see `ReadinessSet`).
    private let readSource: DispatchSourceRead?
    private let writeSource: DispatchSourceWrite

    enum State { case open, draining(linger: Duration?), lingering, closed }
    var state = State.open
    private var started = false
    private var userPaused = false
    private var inputEnded = false
    var readSuspended = true
    /// Reading is wanted now (by source or by the queue's poll tick).
    var readingWanted = false
    /// Read on the queue's poll tick instead of per readable event.
    private var batchedReading = false
    /// A batched connection with more input than the tick keeps up with (a
    /// push sent as fast as it goes): read per event until it slows down,
    /// so it is not held to one turn per tick.
    var flooding = false
    /// In the queue's poll set.
    var inPollSet = false
    /// In the queue's readiness set. It may stay there while reading is
    /// not wanted, until input turns up: a request's pause and resume then
    /// cost no system call.
    var inReadinessSet = false
    /// Queued output waits for the end of the readiness set's look (see
    /// `ReadinessSet.deferFlush`); touched only on the queue.
    var awaitsDeferredFlush = false
    /// Runs on every poll tick while the connection reads in batches (see
    /// `setBatchedReading`): periodic checks that then cost no timer of
    /// their own. Set it on `queue`.
    public var onPollTick: (() -> Void)?
    private var readActivated = false
    /// Reading stopped before the kernel answered EAGAIN, EOF or an error.
    /// Libdispatch on Linux reports a hang-up (a reset, or both directions
    /// shut) once and then stops watching the descriptor, so input left in
    /// the socket then is never announced again: it must be read unasked.
    var unreadInputMayRemain = false
    private var writeActivated = false
    private var writeSuspended = true
    private var pendingCancels: Int
    private var closeReason = CloseReason.closedLocally
    /// `resetAfterWriting`: the drained connection is reset, not closed.
    private var resetWhenDrained = false
    var lingeredBytes = 0
    private var lingerTimer: DispatchSourceTimer?

    private var output = OutboundBuffer()
    var onReadHandler: ((UnsafeRawBufferPointer) -> Void)?
    private var onEndOfInputHandler: (() -> Void)?
    private var onCloseHandler: ((CloseReason) -> Void)?
    /// Set by the listener: runs after the descriptor is closed.
    var onFinalize: (() -> Void)?

    /// Above this many unsent bytes `isWritable` turns false; `onWritable`
    /// fires once the backlog falls to half of it. Default 1 MiB. Set this and
    /// `onWritable` on `queue` (in `onConnection` or a callback).
    public var writeHighWaterMark = 1024 * 1024
    /// Called on `queue` when a backlog that reached `writeHighWaterMark` has
    /// drained to half of it, so a paused producer can continue.
    public var onWritable: (() -> Void)?
    private var aboveHighWater = false
    /// Uptime (ns) when the kernel last took bytes, or when writing began.
    private(set) var lastWriteProgress: UInt64 = monotonicNanoseconds()
    /// Since when (uptime ns) the owner reports nothing in progress, as set
    /// by `setIdle` (SocketConnection+Idle); queue-confined.
    var ownerIdleSince: UInt64 = 0
    /// `idleSince`, readable from any thread.
    let idleMark = Atomic<UInt64>(0)

    /// `idle`: nothing is in progress yet (a server's new HTTP connection),
    /// so the connection may be shed before its owner first reports.
    init(descriptor: Int32, loop: ConnectionQueue, remoteAddress: String, localPort: UInt16, idle: Bool = false) {
        self.descriptor = descriptor
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.localPort = localPort
        if idle {
            ownerIdleSince = openedAt
            idleMark.store(openedAt, ordering: .relaxed)
        }
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: loop.queue)
        if loop.readiness == nil {
            readSource = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: loop.queue)
            pendingCancels = 2
        } else {
            readSource = nil
            pendingCancels = 1
        }
        writeSource.setEventHandler { [unowned self] in self.writeAvailable() }
        readSource?.setEventHandler { [unowned self] in self.readAvailable() }
        // Strong captures keep the connection alive until every source is gone.
        readSource?.setCancelHandler { self.sourceCancelled() }
        writeSource.setCancelHandler { self.sourceCancelled() }
    }

    /// Unsent bytes, file bodies included. Read it on `queue`.
    public var pendingWriteBytes: Int64 { output.pendingBytes }

    /// Neither closed nor closing. Read it on `queue`.
    var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    /// Whether the backlog is under `writeHighWaterMark`. Read it on `queue`.
    public var isWritable: Bool { output.pendingBytes < Int64(writeHighWaterMark) }

    /// Begins reading. `onRead`'s buffer is valid only during the call. On a
    /// connection handed over by a server this replaces the server's callbacks
    /// and resumes reading.
    public func start(onRead: @escaping (UnsafeRawBufferPointer) -> Void,
                      onClose: @escaping (_ reason: CloseReason) -> Void) {
        start(onRead: onRead, onEndOfInput: nil, onClose: onClose)
    }

    /// As `start(onRead:onClose:)`; with `onEndOfInput` a peer's half-close
    /// (EOF) stops reading but keeps the connection open for writing, and the
    /// owner decides when to close.
    public func start(onRead: @escaping (UnsafeRawBufferPointer) -> Void,
                      onEndOfInput: (() -> Void)?,
                      onClose: @escaping (_ reason: CloseReason) -> Void) {
        let install = UncheckedBox((onRead, onEndOfInput, onClose))
        loop.execute { [self] in
            guard case .open = state else { return }
            (onReadHandler, onEndOfInputHandler, onCloseHandler) = install.value
            started = true
            userPaused = false
            updateReadSource()
        }
    }

    /// Queues bytes after everything written before; sends at once if it can.
    public func write(_ bytes: [UInt8]) {
        loop.execute { [self] in
            guard case .open = state else { return }
            bytes.withUnsafeBytes { output.append($0) }
            flush()
        }
    }

    /// Queues bytes given as a buffer; must be called on `queue`.
    func writeOnQueue(_ bytes: UnsafeRawBufferPointer) {
        guard case .open = state else { return }
        output.append(bytes)
    }

    /// Queues a file range; takes ownership of `descriptor`. Call `flushOnQueue`
    /// after queueing a response. Must be called on `queue`.
    func writeFileOnQueue(descriptor file: Int32, offset: Int64, length: Int64) {
        guard case .open = state else {
            closeDescriptor(file)
            return
        }
        output.appendFile(descriptor: file, offset: offset, length: length)
    }

    /// Sends what is queued; inside a readiness turn, after the turn's
    /// current look (`ReadinessSet.deferFlush`).
    func flushOnQueue() {
        guard case .open = state else { return }
        if let readiness = loop.readiness, readiness.isTurning {
            if !awaitsDeferredFlush {
                awaitsDeferredFlush = true
                readiness.deferFlush(self)
            }
            // A backlog over the mark counts as reached even if the kernel
            // takes it all at the deferred flush: `onWritable` then fires,
            // as it would have had the flush come first.
            updateWritability()
            return
        }
        flush()
    }

    /// The deferred flush, from `ReadinessSet`. A connection that began
    /// draining since has flushed itself; a closed one has nothing to send.
    func flushDeferredOutput() {
        awaitsDeferredFlush = false
        guard case .open = state else { return }
        flush()
    }

    public func pauseReading() {
        loop.execute { [self] in
            userPaused = true
            updateReadSource()
        }
    }

    public func resumeReading() {
        loop.execute { [self] in
            userPaused = false
            updateReadSource()
        }
    }

    /// Closes now; unsent bytes are dropped.
    public func close() {
        loop.execute { [self] in closeNow(.closedLocally) }
    }

    func close(reason: CloseReason) {
        loop.execute { [self] in closeNow(reason) }
    }

    /// Closes with a TCP reset: unsent bytes are dropped and the peer sees
    /// ECONNRESET (SO_LINGER with a zero timeout, then close).
    public func reset() {
        loop.execute { [self] in
            if case .closed = state { return }
            closeWithReset()
        }
    }

    /// Stops taking new writes, sends what is queued, then closes.
    public func closeAfterWriting() {
        loop.execute { [self] in beginDraining(linger: nil) }
    }

    /// Stops taking new writes, hands what is queued to the kernel, then
    /// resets (RST): the peer reads what arrived, then ECONNRESET. Bytes the
    /// kernel has not yet sent when the reset goes out are lost, as on a
    /// real broken connection.
    public func resetAfterWriting() {
        loop.execute { [self] in
            resetWhenDrained = true
            beginDraining(linger: nil)
        }
    }

    /// As `closeAfterWriting()`, then half-closes and reads (discarding) for up
    /// to `linger` until the peer closes, so a client still sending a request
    /// body reads the response instead of a connection reset.
    func closeAfterWriting(linger: Duration) {
        loop.execute { [self] in beginDraining(linger: linger) }
    }

    // MARK: - Queue-confined internals

    private func beginDraining(linger: Duration?) {
        guard case .open = state else { return }
        state = .draining(linger: linger)
        updateIdleMark()
        updateReadSource()
        flush()
    }

    /// Reads by batches: the connection is read on its queue's poll tick
    /// (`ConnectionQueue.pollInterval`) instead of on every readable event,
    /// for connections that take a steady stream of small messages where a
    /// tick's delay costs nothing (a live publisher's media): one wake-up
    /// then serves every such connection of the queue. A connection with more
    /// input than one turn reads goes back to per-event reading until a read
    /// finds less than a buffer (`flooding`), so a fast push keeps its pace.
    public func setBatchedReading(_ enabled: Bool) {
        loop.execute { [self] in
            guard batchedReading != enabled else { return }
            batchedReading = enabled
            flooding = false
            updateReadSource()
        }
    }

    func updateReadSource() {
        let wanted: Bool
        switch state {
        case .open: wanted = started && !userPaused && !inputEnded
        case .draining(let linger): wanted = started && linger != nil && !inputEnded
        case .lingering: wanted = !inputEnded
        case .closed: return
        }
        readingWanted = wanted
        let byPoll = wanted && batchedReading && !flooding
        let bySource = wanted && !byPoll
        if byPoll != inPollSet {
            inPollSet = byPoll
            if byPoll { loop.addPolled(self) } else { loop.removePolled(self) }
        }
        if let readiness = loop.readiness {
            // Level-triggered: input already waiting is reported on the next look.
            if bySource && !inReadinessSet {
                guard readiness.add(self) else {
                    closeNow(.failed(operation: "epoll_ctl", errno: errno))
                    return
                }
                inReadinessSet = true
            } else if byPoll && inReadinessSet {
                leaveReadinessSet()
            }
        } else if bySource && readSuspended {
            resumeReadSource()
            if unreadInputMayRemain { scheduleRead() }
        } else if !bySource && !readSuspended {
            readSuspended = true
            readSource?.suspend()
        }
    }

    func leaveReadinessSet() {
        guard inReadinessSet else { return }
        inReadinessSet = false
        loop.readiness?.remove(self)
    }

    func endOfInput() {
        inputEnded = true
        updateReadSource()
        switch state {
        case .open:
            if let handler = onEndOfInputHandler {
                handler()
            } else {
                closeNow(.closedByPeer)
            }
        case .draining:
            break
        case .lingering:
            closeNow(.closedLocally)
        case .closed:
            break
        }
    }

    private func writeAvailable() {
        switch state {
        case .open, .draining: flush()
        case .lingering, .closed: break
        }
    }

    private func flush() {
        let before = output.pendingBytes
        let result = output.flush(to: descriptor)
        if output.pendingBytes != before || before == 0 { lastWriteProgress = monotonicNanoseconds() }
        defer { updateIdleMark() }
        switch result {
        case .drained:
            setWriteArmed(false)
            if case .draining(let linger) = state {
                finishDraining(linger: linger)
                return
            }
        case .wouldBlock:
            setWriteArmed(true)
        case .failed(let operation, let code):
            closeNow(.failed(operation: operation, errno: code))
            return
        }
        updateWritability()
    }

    private func updateWritability() {
        let pending = output.pendingBytes
        if pending >= Int64(writeHighWaterMark) {
            aboveHighWater = true
        } else if aboveHighWater && pending <= Int64(writeHighWaterMark / 2) {
            aboveHighWater = false
            onWritable?()
        }
    }

    private func resumeReadSource() {
        readSuspended = false
        if readActivated { readSource?.resume() } else {
            readActivated = true
            readSource?.activate()
        }
    }

    private func setWriteArmed(_ armed: Bool) {
        if armed && writeSuspended {
            writeSuspended = false
            if writeActivated { writeSource.resume() } else {
                writeActivated = true
                writeSource.activate()
            }
        } else if !armed && !writeSuspended {
            writeSuspended = true
            writeSource.suspend()
        }
    }

    private func finishDraining(linger: Duration?) {
        if resetWhenDrained {
            closeWithReset()
            return
        }
        guard let linger, !inputEnded else {
            closeNow(.closedLocally)
            return
        }
        shutdown(descriptor, Int32(SHUT_WR))
        state = .lingering
        updateReadSource()
        let timer = DispatchSource.makeTimerSource(queue: loop.queue)
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: linger.nanoseconds)))
        timer.setEventHandler { [unowned self] in self.closeNow(.closedLocally) }
        timer.activate()
        lingerTimer = timer
    }

    /// SO_LINGER with a zero timeout, then close: the kernel sends RST.
    private func closeWithReset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        closeNow(.closedLocally)
    }

    func closeNow(_ reason: CloseReason) {
        if case .closed = state { return }
        state = .closed
        closeReason = reason
        readingWanted = false
        if inPollSet {
            inPollSet = false
            loop.removePolled(self)
        }
        leaveReadinessSet()
        idleMark.store(0, ordering: .relaxed)
        output.discard()
        lingerTimer?.cancel()
        lingerTimer = nil
        readSource?.cancel()
        writeSource.cancel()
        // A suspended or never-activated source runs no cancel handler.
        if readSuspended && readSource != nil { resumeReadSource() }
        if writeSuspended {
            writeSuspended = false
            if writeActivated { writeSource.resume() } else {
                writeActivated = true
                writeSource.activate()
            }
        }
    }

    private func sourceCancelled() {
        pendingCancels -= 1
        guard pendingCancels == 0 else { return }
        closeDescriptor(descriptor)
        let onClose = onCloseHandler
        onReadHandler = nil
        onEndOfInputHandler = nil
        onCloseHandler = nil
        onWritable = nil
        onPollTick = nil
        onClose?(closeReason)
        let finalize = onFinalize
        onFinalize = nil
        finalize?()
    }
}

/// Carries non-Sendable closures onto the connection's own queue, where they
/// are only ever called.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
