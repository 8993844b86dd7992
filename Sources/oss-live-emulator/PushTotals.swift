import Synchronization

/// Counters every stream of a push updates from its own queue and the
/// progress line reads: atomics, so thousands of streams never wait on a lock.
final class PushTotals: Sendable {
    /// Failure messages kept word for word; the rest are only counted.
    static let maxKeptFailures = 20

    let connecting = Atomic<Int>(0)
    let publishing = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    /// Media milliseconds sent, summed over streams.
    let mediaMilliseconds = Atomic<Int>(0)
    /// Streams that began publishing at some point.
    let everPublished = Atomic<Int>(0)
    /// The furthest any realtime stream fell behind its schedule.
    let maxLagMilliseconds = Atomic<Int>(0)
    /// Realtime streams that fell behind by more than the lag limit at least once.
    let lagging = Atomic<Int>(0)
    /// Set once when the push is asked to end (signal or --duration).
    let stopRequested = Atomic<Bool>(false)
    private let failures = Mutex<[String]>([])

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

    var failureMessages: [String] { failures.withLock { $0 } }
}
