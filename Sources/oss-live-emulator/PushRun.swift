import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Locking
import Publisher
import Synchronization

/// The command line around a `PublishRun`: progress lines, the final
/// summary, stopping on SIGINT/SIGTERM or at the end of `--duration`.
final class PushRun: Sendable {
    enum Progress: Sendable { case off, terminal, lines }

    private let run: PublishRun
    private let progress: Progress
    private let control = DispatchQueue(label: "push.control")
    private let signalled = Atomic<Bool>(false)
    private let state = Locked(ControlState())

    private struct ControlState {
        var sources: [SendableSource] = []
        var lastBytes = 0
        var lastReport = ContinuousClock.now
        var lastPlainLine = ContinuousClock.now
    }

    init(run: PublishRun, progress: Progress) {
        self.run = run
        self.progress = progress
    }

    /// Runs to the end; true when a stream failed.
    func execute(duration: Duration?) -> Bool {
        installSignalHandlers()
        run.start()
        if progress != .off {
            every(Push.progressInterval) { [self] in report(final: false) }
        }
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: control)
            timer.schedule(deadline: .now() + Self.dispatchInterval(duration))
            timer.setEventHandler { [run] in run.stop() }
            keep(timer)
            timer.activate()
        }
        let outcome = run.wait()
        control.sync {
            for source in state.withLock({ $0.sources }) { source.value.cancel() }
        }
        if progress != .off { report(final: true) }
        printSummary()
        return outcome.failed
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
                run.stop()
            }
            keep(source)
            source.activate()
        }
    }

    // MARK: - Progress

    private func report(final: Bool) {
        let now = ContinuousClock.now
        let line = state.withLock { state -> String? in
            let bytes = run.totals.snapshot().bytesSent
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
        let seconds = Self.seconds(now - run.started)
        return seconds > 0 ? Double(run.totals.snapshot().bytesSent) * 8 / seconds : 0
    }

    private func progressLine(bitsPerSecond: Double, now: ContinuousClock.Instant) -> String {
        let totals = run.totals.snapshot()
        let published = max(1, totals.everPublished)
        let mediaEach = totals.mediaMilliseconds / published
        var parts: [String] = []
        if run.urls.count == 1 {
            let state = totals.publishing > 0 ? "publishing"
                : totals.connecting > 0 ? "connecting" : totals.failed > 0 ? "failed" : "done"
            parts.append(state)
            parts.append("\(Self.clock(mediaEach)) pushed")
        } else {
            parts.append("\(totals.publishing) publishing, \(totals.connecting) connecting, "
                + "\(totals.finished) done, \(totals.failed) failed")
            parts.append("\(Self.clock(mediaEach)) pushed each")
        }
        parts.append(Self.bitrate(bitsPerSecond))
        if run.options.realtime {
            parts.append("max lag \(totals.maxLagMilliseconds) ms")
            if totals.lagging > 0 { parts.append("\(totals.lagging) fell behind") }
        }
        parts.append("wall \(Self.clock(Int(Self.seconds(now - run.started) * 1000)))")
        return "push: " + parts.joined(separator: " | ")
    }

    private func printSummary() {
        let messages = run.totals.failureMessages
        for message in messages { writeStderr("push: \(message)\n") }
        let totals = run.totals.snapshot()
        if totals.failed > messages.count { writeStderr("push: … and \(totals.failed - messages.count) more failures\n") }
        var summary = "push: \(run.urls.count) stream(s): \(totals.everPublished) published, "
            + "\(totals.finished) ended cleanly, \(totals.failed) failed"
        if run.options.realtime {
            summary += "; max lag \(totals.maxLagMilliseconds) ms"
            summary += ", \(totals.lagging) fell behind by over \(PublishRun.lagLimit)"
        }
        writeStderr(summary + "\n")
    }

    // MARK: - Helpers

    private func every(_ interval: Duration, _ body: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now(), repeating: Self.dispatchInterval(interval))
        timer.setEventHandler(handler: body)
        keep(timer)
        timer.activate()
    }

    private func keep(_ source: any DispatchSourceProtocol) {
        state.withLock { $0.sources.append(SendableSource(value: source)) }
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
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
        return "\(seconds / 3600):\(twoDigits(seconds / 60 % 60)):\(twoDigits(seconds % 60)).\(tenths % 10)"
    }

    /// `12.34 Gbit/s`, `5.6 Mbit/s` or `789 kbit/s`.
    static func bitrate(_ bitsPerSecond: Double) -> String {
        if bitsPerSecond >= 1e9 { return "\(fixed(bitsPerSecond / 1e9, decimals: 2)) Gbit/s" }
        if bitsPerSecond >= 1e6 { return "\(fixed(bitsPerSecond / 1e6, decimals: 1)) Mbit/s" }
        return "\(fixed(bitsPerSecond / 1e3, decimals: 0)) kbit/s"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// `value` to `decimals` places (0 to 3), as `%.Nf` prints it: rounded
    /// from the exact binary value, ties to even.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite, abs(value) < 1e15, (0...3).contains(decimals) else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let magnitude = abs(value)
        var whole = magnitude.rounded(.down)
        let fraction = magnitude - whole
        let product = fraction * scale
        // What the product lost to rounding (fused, so exact): decides
        // ties that are not really ties.
        let residual = (-product).addingProduct(fraction, scale)
        var units = product.rounded(.down)
        let remainder = product - units
        let lastOdd = decimals == 0
            ? whole.truncatingRemainder(dividingBy: 2) == 1 : units.truncatingRemainder(dividingBy: 2) == 1
        if remainder > 0.5 || (remainder == 0.5 && (residual > 0 || (residual == 0 && lastOdd))) { units += 1 }
        if units >= scale {
            units -= scale
            whole += 1
        }
        let digits = Int64(units)
        var text = (value < 0 && (whole > 0 || digits > 0) ? "-" : "") + "\(Int64(whole))"
        if decimals > 0 {
            let fractionText = String(digits)
            text += "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
        }
        return text
    }
}

/// A Dispatch source kept for cancelling; touched only under the run's lock.
private struct SendableSource: @unchecked Sendable {
    let value: any DispatchSourceProtocol
}

func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        bytes = bytes.dropFirst(written)
    }
}
