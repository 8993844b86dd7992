#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// One serial queue that owns a share of the connections, with the read
/// buffer they take turns using: idle connections hold no buffer of their own.
final class ConnectionQueue: @unchecked Sendable {
    /// Bytes read from a socket per read call.
    static let readBufferSize = 64 * 1024

    private static let key = DispatchSpecificKey<ObjectIdentifier>()

    let queue: DispatchQueue
    /// Touched only on `queue`.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Connections read on the poll tick (see `SocketConnection.setBatchedReading`)
    /// and their descriptors, index for index; touched only on `queue`.
    var polled: [SocketConnection] = []
    var pollDescriptors: [pollfd] = []
    var pollTimer: DispatchSourceTimer?
    /// Where connections reading per event are watched (see `ReadinessSet`);
    /// nil where there is no epoll: each then has a read source of its own.
    let readiness: ReadinessSet?

    /// `perEventSet` false: a read source per connection even where epoll exists.
    init(label: String, perEventSet: Bool = true) {
        queue = DispatchQueue(label: label)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        readiness = perEventSet ? ReadinessSet(queue: queue) : nil
        queue.setSpecific(key: Self.key, value: ObjectIdentifier(self))
    }

    deinit {
        readiness?.cancel()
        readBuffer.deallocate()
    }

    /// Whether the caller runs on this queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.key) == ObjectIdentifier(self) }

    /// Runs `body` now when already on the queue, else soon on it.
    func execute(_ body: @escaping @Sendable () -> Void) {
        if isCurrent { body() } else { queue.async(execute: body) }
    }

    /// The queue the caller runs on, if it is one of these.
    static func current(among queues: [ConnectionQueue]) -> ConnectionQueue? {
        queues.first { $0.isCurrent }
    }
}

/// Monotonic time in nanoseconds, for timeouts.
func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

extension Duration {
    /// Whole nanoseconds, saturating; negative durations count as zero.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return UInt64.max / 2 }
        return whole + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
