import Dispatch

/// The streams pinned to one connection queue, ticked together by one
/// timer: a few wake-ups per queue instead of one timer per stream.
final class PacingLoop: @unchecked Sendable {
    /// How often due media is sent. Short enough that a frame leaves at most
    /// this late (players buffer far more); long enough that thousands of
    /// streams cost a few dozen wake-ups a second.
    static let tickInterval: Duration = .milliseconds(20)

    let queue: DispatchQueue
    private var streams: [ObjectIdentifier: StreamPublisher] = [:]
    private var timer: DispatchSourceTimer?

    init(queue: DispatchQueue) {
        self.queue = queue
    }

    /// On the queue.
    func add(_ stream: StreamPublisher) {
        streams[ObjectIdentifier(stream)] = stream
        guard timer == nil else { return }
        let source = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(Self.tickInterval.components.attoseconds / 1_000_000_000
            + Self.tickInterval.components.seconds * 1_000_000_000))
        source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(2))
        source.setEventHandler { [weak self] in self?.tick() }
        source.activate()
        timer = source
    }

    /// On the queue.
    func remove(_ stream: StreamPublisher) {
        streams[ObjectIdentifier(stream)] = nil
    }

    /// On the queue.
    func stopAll() {
        for stream in Array(streams.values) { stream.stop() }
    }

    func cancel() {
        queue.async { [self] in
            timer?.cancel()
            timer = nil
        }
    }

    private func tick() {
        let now = ContinuousClock.now
        for stream in streams.values { stream.tick(now: now) }
    }
}
