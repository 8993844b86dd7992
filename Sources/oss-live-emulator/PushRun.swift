import Dispatch
import Foundation
import Synchronization
import Transport

/// Runs the streams of one `push`: starts them at the connect rate, ticks
/// them on a few serial queues, prints progress, and stops them on a signal
/// or at the end of `--duration`.
final class PushRun: Sendable {
    enum Progress: Sendable { case off, terminal, lines }

    /// How often new connections are started while ramping up.
    static let startInterval: Duration = .milliseconds(10)
    /// After a stop, how long streams get to unpublish and close before the
    /// process gives up on them.
    static let stopGrace: Duration = .seconds(5)

    private let media: PushMedia
    private let urls: [PublishURL]
    private let options: StreamPublisher.Options
    private let connectRate: Int
    private let progress: Progress
    private let connector: TCPConnector
    private let loops: [ObjectIdentifier: PacingLoop]
    private let control = DispatchQueue(label: "push.control")
    private let totals = PushTotals()
    private let remaining: Atomic<Int>
    private let allDone = DispatchSemaphore(value: 0)
    private let signalled = Atomic<Bool>(false)
    private let started = ContinuousClock.now
    private let state = Mutex(ControlState())

    private struct ControlState {
        var nextStream = 0
        var sources: [UncheckedSendable<any DispatchSourceProtocol>] = []
        var lastBytes = 0
        var lastReport = ContinuousClock.now
        var lastPlainLine = ContinuousClock.now
        var stopAt: ContinuousClock.Instant?
    }

    init(media: PushMedia, urls: [PublishURL], options: StreamPublisher.Options, connectRate: Int, queueCount: Int,
         progress: Progress) {
        self.media = media
        self.urls = urls
        self.options = options
        self.connectRate = connectRate
        self.progress = progress
        connector = TCPConnector(queueCount: queueCount, label: "push.streams")
        var loops: [ObjectIdentifier: PacingLoop] = [:]
        for queue in connector.connectionQueues { loops[ObjectIdentifier(queue)] = PacingLoop(queue: queue) }
        self.loops = loops
        remaining = Atomic(urls.count)
    }

    /// Runs to the end; true when a stream failed.
    func execute(duration: Duration?) -> Bool {
        installSignalHandlers()
        every(Self.startInterval) { [self] in startMore() }
        if progress != .off {
            every(Push.progressInterval) { [self] in report(final: false) }
        }
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: control)
            timer.schedule(deadline: .now() + dispatchInterval(duration))
            timer.setEventHandler { [self] in stopAll() }
            keep(timer)
            timer.activate()
        }
        allDone.wait()
        control.sync {
            for source in state.withLock({ $0.sources }) { source.value.cancel() }
        }
        for loop in loops.values { loop.cancel() }
        if progress != .off { report(final: true) }
        printSummary()
        return totals.failed.load(ordering: .relaxed) > 0
    }

    // MARK: - Starting and stopping

    private func startMore() {
        let perTick = max(1, connectRate * Int(Self.startInterval.components.attoseconds / 1_000_000_000_000_000) / 1000)
        let range = state.withLock { state -> Range<Int> in
            guard !totals.stopRequested.load(ordering: .acquiring) else { return 0..<0 }
            let start = state.nextStream
            let end = min(urls.count, start + perTick)
            state.nextStream = end
            return start..<end
        }
        for index in range { launch(number: index + 1, url: urls[index]) }
    }

    private func launch(number: Int, url: PublishURL) {
        let stream = StreamPublisher(
            number: number, url: url, media: media, options: options, totals: totals,
            onDone: { [self] stream, _ in
                streamEnded(stream)
            })
        stream.start(connector: connector) { [loops] stream, queue in
            loops[ObjectIdentifier(queue)]?.add(stream)
        }
    }

    /// On the stream's queue.
    private func streamEnded(_ stream: StreamPublisher) {
        if let queue = stream.queue { loops[ObjectIdentifier(queue)]?.remove(stream) }
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { allDone.signal() }
    }

    /// Stops every stream; streams never started are dropped.
    private func stopAll() {
        guard !totals.stopRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let notStarted = state.withLock { state -> Int in
            let count = urls.count - state.nextStream
            state.nextStream = urls.count
            return count
        }
        if notStarted > 0, remaining.subtract(notStarted, ordering: .acquiringAndReleasing).newValue == 0 {
            allDone.signal()
        }
        for loop in loops.values { loop.queue.async { loop.stopAll() } }
        control.asyncAfter(deadline: .now() + dispatchInterval(Self.stopGrace)) { [self] in
            let left = remaining.load(ordering: .acquiring)
            guard left > 0 else { return }
            totals.recordFailure("\(left) stream(s) did not close within \(Self.stopGrace) of being stopped")
            allDone.signal()
        }
    }

    private func installSignalHandlers() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: control)
            source.setEventHandler { [self] in
                if signalled.exchange(true, ordering: .relaxed) {
                    // A second signal: leave at once.
                    exit(130)
                }
                stopAll()
            }
            keep(source)
            source.activate()
        }
    }

    // MARK: - Progress

    private func report(final: Bool) {
        let now = ContinuousClock.now
        let line = state.withLock { state -> String? in
            let bytes = totals.bytesSent.load(ordering: .relaxed)
            let seconds = Self.seconds(now - state.lastReport)
            let rate = seconds > 0 ? Double(bytes - state.lastBytes) * 8 / seconds : 0
            state.lastBytes = bytes
            state.lastReport = now
            if progress == .lines && !final {
                guard now - state.lastPlainLine >= Push.plainProgressInterval else { return nil }
                state.lastPlainLine = now
            }
            return progressLine(bitsPerSecond: final ? averageBitrate(now: now) : rate, now: now)
        }
        guard let line else { return }
        switch progress {
        case .off: return
        case .terminal: writeStderr("\r\u{1B}[K" + line + (final ? "\n" : ""))
        case .lines: writeStderr(line + "\n")
        }
    }

    private func averageBitrate(now: ContinuousClock.Instant) -> Double {
        let seconds = Self.seconds(now - started)
        return seconds > 0 ? Double(totals.bytesSent.load(ordering: .relaxed)) * 8 / seconds : 0
    }

    private func progressLine(bitsPerSecond: Double, now: ContinuousClock.Instant) -> String {
        let publishing = totals.publishing.load(ordering: .relaxed)
        let connecting = totals.connecting.load(ordering: .relaxed)
        let finished = totals.finished.load(ordering: .relaxed)
        let failed = totals.failed.load(ordering: .relaxed)
        let published = max(1, totals.everPublished.load(ordering: .relaxed))
        let mediaEach = totals.mediaMilliseconds.load(ordering: .relaxed) / published
        var parts: [String] = []
        if urls.count == 1 {
            let state = publishing > 0 ? "publishing" : connecting > 0 ? "connecting" : failed > 0 ? "failed" : "done"
            parts.append(state)
            parts.append("\(Self.clock(mediaEach)) pushed")
        } else {
            parts.append("\(publishing) publishing, \(connecting) connecting, \(finished) done, \(failed) failed")
            parts.append("\(Self.clock(mediaEach)) pushed each")
        }
        parts.append(Self.bitrate(bitsPerSecond))
        if options.realtime {
            parts.append("max lag \(totals.maxLagMilliseconds.load(ordering: .relaxed)) ms")
            let lagging = totals.lagging.load(ordering: .relaxed)
            if lagging > 0 { parts.append("\(lagging) fell behind") }
        }
        parts.append("wall \(Self.clock(Int(Self.seconds(now - started) * 1000)))")
        return "push: " + parts.joined(separator: " | ")
    }

    private func printSummary() {
        for message in totals.failureMessages { writeStderr("push: \(message)\n") }
        let failed = totals.failed.load(ordering: .relaxed)
        let kept = totals.failureMessages.count
        if failed > kept { writeStderr("push: … and \(failed - kept) more failures\n") }
        let published = totals.everPublished.load(ordering: .relaxed)
        let finished = totals.finished.load(ordering: .relaxed)
        var summary = "push: \(urls.count) stream(s): \(published) published, \(finished) ended cleanly, \(failed) failed"
        if options.realtime {
            summary += "; max lag \(totals.maxLagMilliseconds.load(ordering: .relaxed)) ms"
            summary += ", \(totals.lagging.load(ordering: .relaxed)) fell behind by over \(StreamPublisher.lagLimit)"
        }
        writeStderr(summary + "\n")
    }

    // MARK: - Helpers

    private func every(_ interval: Duration, _ body: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now(), repeating: dispatchInterval(interval))
        timer.setEventHandler(handler: body)
        keep(timer)
        timer.activate()
    }

    private func keep(_ source: any DispatchSourceProtocol) {
        state.withLock { $0.sources.append(UncheckedSendable(source)) }
    }

    private func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        .nanoseconds(Int(duration.components.seconds) * 1_000_000_000
            + Int(duration.components.attoseconds / 1_000_000_000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `h:mm:ss.d`
    static func clock(_ milliseconds: Int) -> String {
        let tenths = max(0, milliseconds) / 100
        let seconds = tenths / 10
        let text = String(format: "%d:%02d:%02d.%d", seconds / 3600, seconds / 60 % 60, seconds % 60, tenths % 10)
        return text
    }

    static func bitrate(_ bitsPerSecond: Double) -> String {
        if bitsPerSecond >= 1e9 { return String(format: "%.2f Gbit/s", bitsPerSecond / 1e9) }
        if bitsPerSecond >= 1e6 { return String(format: "%.1f Mbit/s", bitsPerSecond / 1e6) }
        return String(format: "%.0f kbit/s", bitsPerSecond / 1e3)
    }
}

/// Dispatch sources kept for cancelling; touched only under the run's lock.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

func writeStderr(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
