import Dispatch
import Locking
import Synchronization
import Transport

/// Publishes one FLV's media to many RTMP URLs at once: starts the streams
/// at the connect rate, paces them on a few serial queues (one timer per
/// queue), and reports once every stream has ended.
public final class PublishRun: Sendable {
    /// How often new connections are started while ramping up.
    public static let startInterval: Duration = .milliseconds(10)
    /// A realtime stream further behind its schedule than this counts as
    /// not keeping up (`PublishTotals.Snapshot.lagging`).
    public static let lagLimit = StreamPublisher.lagLimit

    public let urls: [PublishURL]
    public let options: PublishOptions
    public let totals = PublishTotals()
    public let started = ContinuousClock.now

    private let media: PublishMedia
    private let connector: TCPConnector
    private let loops: [ObjectIdentifier: PacingLoop]
    private let control = DispatchQueue(label: "publish.control")
    private let remaining: Atomic<Int>
    private let state: Locked<State>

    private struct State {
        var running = false
        var nextStream = 0
        /// Streams handed to `StreamPublisher` (`nextStream` also jumps past the dropped ones on stop).
        var launched = 0
        var outcomes: [StreamOutcome?]
        var starter: UncheckedSendable<any DispatchSourceTimer>?
        var report: PublishReport?
        var waiters: [@Sendable (PublishReport) -> Void] = []
    }

    public init(media: PublishMedia, urls: [PublishURL], options: PublishOptions) {
        self.media = media
        self.urls = urls
        self.options = options
        connector = TCPConnector(queueCount: options.queueCount, label: "publish.streams")
        var loops: [ObjectIdentifier: PacingLoop] = [:]
        for queue in connector.connectionQueues { loops[ObjectIdentifier(queue)] = PacingLoop(queue: queue) }
        self.loops = loops
        remaining = Atomic(urls.count)
        state = Locked(State(outcomes: Array(repeating: nil, count: urls.count)))
    }

    /// Begins starting streams; once only.
    public func start() {
        let begin = state.withLock { state -> Bool in
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard begin else { return }
        if urls.isEmpty {
            complete()
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now(), repeating: Self.dispatchInterval(Self.startInterval))
        timer.setEventHandler { [self] in startMore() }
        state.withLock { $0.starter = UncheckedSendable(timer) }
        timer.activate()
    }

    /// Stops every stream (unpublishing those that publish); streams not
    /// yet started are dropped. Streams that have not closed after the stop
    /// grace count as one failure and the run completes without them.
    public func stop() {
        guard !totals.stopRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let notStarted = state.withLock { state -> Int in
            let count = urls.count - state.nextStream
            state.nextStream = urls.count
            return count
        }
        if notStarted > 0, remaining.subtract(notStarted, ordering: .acquiringAndReleasing).newValue == 0 {
            complete()
        }
        for loop in loops.values { loop.queue.async { loop.stopAll() } }
        let grace = options.stopGrace
        control.asyncAfter(deadline: .now() + Self.dispatchInterval(grace)) { [self] in
            let left = remaining.load(ordering: .acquiring)
            guard left > 0, !isComplete else { return }
            totals.recordFailure("\(left) stream(s) did not close within \(grace) of being stopped")
            complete()
        }
    }

    /// Runs `body` once with the report when every stream has ended (at once
    /// when that already happened), on no particular thread.
    public func onComplete(_ body: @escaping @Sendable (PublishReport) -> Void) {
        let report = state.withLock { state -> PublishReport? in
            if state.report == nil { state.waiters.append(body) }
            return state.report
        }
        if let report { body(report) }
    }

    /// Blocks until every stream has ended.
    public func wait() -> PublishReport {
        let done = DispatchSemaphore(value: 0)
        let result = Locked<PublishReport?>(nil)
        onComplete { report in
            result.withLock { $0 = report }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? PublishReport(outcomes: [], totals: totals.snapshot())
    }

    /// Waits until every stream has ended; cancelling the task stops the run.
    public func completion() async -> PublishReport {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                onComplete { continuation.resume(returning: $0) }
            }
        } onCancel: {
            stop()
        }
    }

    public var isComplete: Bool { state.withLock { $0.report != nil } }

    // MARK: - Streams

    private func startMore() {
        let perTick = max(1, options.connectRate * Int(Self.startInterval.components.attoseconds / 1_000_000_000_000_000) / 1000)
        let range = state.withLock { state -> Range<Int> in
            guard !totals.stopRequested.load(ordering: .acquiring) else { return 0..<0 }
            let start = state.nextStream
            let end = min(urls.count, start + perTick)
            state.nextStream = end
            state.launched = end
            return start..<end
        }
        for index in range { launch(index: index) }
        if range.upperBound == urls.count || range.isEmpty {
            state.withLock { state in
                if state.nextStream == urls.count {
                    state.starter?.value.cancel()
                    state.starter = nil
                }
            }
        }
    }

    private func launch(index: Int) {
        let stream = StreamPublisher(
            number: index + 1, url: urls[index], media: media, options: options, totals: totals,
            onDone: { [self] stream, outcome in
                streamEnded(stream, index: index, outcome: outcome)
            })
        stream.start(connector: connector) { [loops] stream, queue in
            loops[ObjectIdentifier(queue)]?.add(stream)
        }
    }

    /// On the stream's queue.
    private func streamEnded(_ stream: StreamPublisher, index: Int, outcome: StreamOutcome) {
        if let queue = stream.queue { loops[ObjectIdentifier(queue)]?.remove(stream) }
        state.withLock { $0.outcomes[index] = outcome }
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { complete() }
    }

    private func complete() {
        let finished = state.withLock { state -> (PublishReport, [@Sendable (PublishReport) -> Void])? in
            guard state.report == nil else { return nil }
            state.starter?.value.cancel()
            state.starter = nil
            let launched = state.launched
            let outcomes = state.outcomes.enumerated().map { index, outcome -> StreamOutcome in
                if let outcome { return outcome }
                return index < launched && totals.stopRequested.load(ordering: .acquiring)
                    ? .failed(.notClosedInTime(options.stopGrace)) : .notStarted
            }
            let report = PublishReport(outcomes: outcomes, totals: totals.snapshot())
            state.report = report
            let waiters = state.waiters
            state.waiters = []
            return (report, waiters)
        }
        guard let (report, waiters) = finished else { return }
        for loop in loops.values { loop.cancel() }
        for waiter in waiters { waiter(report) }
    }

    static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        .nanoseconds(Int(duration.components.seconds) * 1_000_000_000
            + Int(duration.components.attoseconds / 1_000_000_000))
    }
}

/// A Dispatch source kept for cancelling; touched only under the run's lock.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
