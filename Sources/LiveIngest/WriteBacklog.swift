import Locking
import Synchronization

/// Segment bytes handed to writer queues and not yet on disk (counted as
/// the memory their buffers hold, capacity rather than length), summed over
/// every push that shares it (by default the whole process). A push's own
/// limit (`ChannelPublisher.WriteLimits.maxQueuedWriteBytes`) bounds one
/// slow channel; this bounds them all together, so when the disk or the
/// writers fall behind many pushes at once (thousands of streams on a busy
/// machine), reading pauses instead of memory growing by each push's limit.
public final class WriteBacklog: Sendable {
    /// The process-wide default: 64 MiB, about 1 s of writes at 2,000
    /// streams of 360p, far above what a keeping-up disk ever has queued.
    public static let defaultLimit = 64 << 20
    public static let process = WriteBacklog(limit: WriteBacklog.defaultLimit)

    public let limit: Int
    private let queued = Atomic<Int>(0)
    private let waiters = Locked<[@Sendable () -> Void]>([])

    public init(limit: Int) {
        self.limit = limit
    }

    /// Bytes queued now.
    public var bytes: Int { queued.load(ordering: .relaxed) }
    /// More than `limit` is queued: pushes should stop reading.
    public var isOver: Bool { bytes > limit }
    /// At most half the limit is queued: paused pushes may read again.
    public var isDrained: Bool { bytes <= limit / 2 }

    func add(_ count: Int) {
        queued.add(count, ordering: .relaxed)
    }

    func subtract(_ count: Int) {
        let now = queued.subtract(count, ordering: .relaxed).newValue
        if now <= limit / 2 { fireWaiters() }
    }

    /// Runs `handler` once (on whichever thread drains it) when at most half
    /// the limit is queued; at once if that is so already.
    func whenDrained(_ handler: @escaping @Sendable () -> Void) {
        waiters.withLock { $0.append(handler) }
        if isDrained { fireWaiters() }
    }

    private func fireWaiters() {
        let ready = waiters.withLock { waiters in
            defer { waiters = [] }
            return waiters
        }
        for handler in ready { handler() }
    }
}
