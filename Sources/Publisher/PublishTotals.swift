import Locking
import Synchronization

/// Counters every stream of a run updates from its own queue and progress
/// reports read: atomics, so thousands of streams never wait on a lock.
public final class PublishTotals: Sendable {
    /// Failure messages kept word for word; the rest are only counted.
    public static let maxKeptFailures = 20

    /// The counters at one moment (each read on its own, so they may be a
    /// tick apart from one another).
    public struct Snapshot: Sendable, Equatable {
        public var connecting = 0
        public var publishing = 0
        public var finished = 0
        public var failed = 0
        public var bytesSent = 0
        /// Media milliseconds sent, summed over streams.
        public var mediaMilliseconds = 0
        /// Streams that began publishing at some point.
        public var everPublished = 0
        /// The furthest any realtime stream fell behind its schedule.
        public var maxLagMilliseconds = 0
        /// Realtime streams that fell behind by more than the lag limit at least once.
        public var lagging = 0

        public init() {}
    }

    let connecting = Atomic<Int>(0)
    let publishing = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    let mediaMilliseconds = Atomic<Int>(0)
    let everPublished = Atomic<Int>(0)
    let maxLagMilliseconds = Atomic<Int>(0)
    let lagging = Atomic<Int>(0)
    /// Set once when the run is asked to end.
    let stopRequested = Atomic<Bool>(false)
    private let failures = Locked<[String]>([])

    init() {}

    public func snapshot() -> Snapshot {
        var snapshot = Snapshot()
        snapshot.connecting = connecting.load(ordering: .relaxed)
        snapshot.publishing = publishing.load(ordering: .relaxed)
        snapshot.finished = finished.load(ordering: .relaxed)
        snapshot.failed = failed.load(ordering: .relaxed)
        snapshot.bytesSent = bytesSent.load(ordering: .relaxed)
        snapshot.mediaMilliseconds = mediaMilliseconds.load(ordering: .relaxed)
        snapshot.everPublished = everPublished.load(ordering: .relaxed)
        snapshot.maxLagMilliseconds = maxLagMilliseconds.load(ordering: .relaxed)
        snapshot.lagging = lagging.load(ordering: .relaxed)
        return snapshot
    }

    /// The first `maxKeptFailures` failures, each naming its stream.
    public var failureMessages: [String] { failures.withLock { $0 } }

    func recordLag(_ milliseconds: Int) {
        var current = maxLagMilliseconds.load(ordering: .relaxed)
        while milliseconds > current {
            let (exchanged, original) = maxLagMilliseconds.compareExchange(
                expected: current, desired: milliseconds, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    func recordFailure(_ message: String) {
        failed.add(1, ordering: .relaxed)
        failures.withLock { list in
            if list.count < Self.maxKeptFailures { list.append(message) }
        }
    }
}
