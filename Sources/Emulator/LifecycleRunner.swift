import BucketConfig
import Dispatch
import Locking
import Storage

/// Runs lifecycle sweeps (`BucketConfig.LifecycleSweep`) against the
/// emulator's clock: on demand (`Emulator.runLifecycle`, `POST
/// /_emulator/lifecycle`) and every `interval` seconds, one sweep at a time.
/// Each bucket where a sweep did something gets a `lifecycle-applied` event.
final class LifecycleRunner: @unchecked Sendable {
    private let sweep: LifecycleSweep
    private let events: EventLog
    private let clock: @Sendable () -> Int64
    /// Sweeps never overlap (a timer tick and a request, say); true once
    /// stopped, after which timer ticks sweep nothing.
    private let gate = Locked(false)
    // Set once in `start`, cancelled in `stop`, under `timerLock`.
    private var timer: DispatchSourceTimer?
    private let timerLock = Locked(())

    init(store: ObjectStore, events: EventLog, clock: @escaping @Sendable () -> Int64) {
        sweep = LifecycleSweep(store: store)
        self.events = events
        self.clock = clock
    }

    /// Sweeps `bucket` (nil: every bucket) now.
    @discardableResult
    func run(bucket: String? = nil) throws -> [LifecycleSweep.Outcome] {
        try gate.withLock { _ in try sweepLocked(bucket: bucket) }
    }

    private func sweepLocked(bucket: String?) throws -> [LifecycleSweep.Outcome] {
        let now = clock()
        let outcomes = try sweep.run(bucket: bucket, now: now)
        for outcome in outcomes where outcome.expired + outcome.transitioned + outcome.aborted > 0 {
            events.append(.lifecycleApplied(bucket: outcome.bucket, expired: outcome.expired,
                                            transitioned: outcome.transitioned, aborted: outcome.aborted), time: now)
        }
        return outcomes
    }

    /// Sweeps every `seconds` (nothing when 0); `log` hears of failed sweeps.
    func start(every seconds: Double, log: @escaping @Sendable (String) -> Void) {
        guard seconds > 0 else { return }
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "oss-live-emulator.lifecycle", qos: .utility))
        let interval = DispatchTimeInterval.milliseconds(Int(seconds * 1000))
        source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(Int(min(seconds * 100, 1000))))
        source.setEventHandler { [weak self] in
            do { try self?.runScheduled() } catch { log("lifecycle sweep failed: \(error)") }
        }
        timerLock.withLock { _ in timer = source }
        source.resume()
    }

    /// A timer tick: nothing once stopped.
    private func runScheduled() throws {
        try gate.withLock { stopped in
            guard !stopped else { return }
            _ = try sweepLocked(bucket: nil)
        }
    }

    /// Cancels the timer and returns once a sweep in progress has finished
    /// (so nothing sweeps the store after the emulator stopped).
    func stop() {
        timerLock.withLock { _ in
            timer?.cancel()
            timer = nil
        }
        gate.withLock { stopped in stopped = true }
    }
}
