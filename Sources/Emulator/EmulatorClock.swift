import Locking
import Synchronization

/// The emulator's notion of now: the real wall clock plus an offset a test
/// can move. Everything the emulator dates — Last-Modified and Date, presigned
/// URL and RTMP signature expiry, segment names, history and stat times,
/// restore completion, request IDs, events — reads this clock. Header-signed
/// requests are still checked for skew against the real clock, since the
/// client signs with its own.
public final class EmulatorClock: Sendable {
    private let real: @Sendable () -> Int64
    private let offset: Atomic<Int64>
    private let onChange = Locked<(@Sendable (EmulatorClock) -> Void)?>(nil)

    init(real: @escaping @Sendable () -> Int64, offsetMilliseconds: Int64 = 0) {
        self.real = real
        offset = Atomic(offsetMilliseconds)
    }

    /// The emulator's now, epoch milliseconds.
    public var nowMilliseconds: Int64 { real() &+ offset.load(ordering: .relaxed) }
    /// The real wall clock, epoch milliseconds.
    public var realMilliseconds: Int64 { real() }
    /// How far the emulator's clock is ahead of the real one (negative: behind).
    public var offsetMilliseconds: Int64 { offset.load(ordering: .relaxed) }

    /// Moves the clock forward (or back, with a negative amount).
    public func advance(milliseconds: Int64) {
        offset.add(milliseconds, ordering: .relaxed)
        changed()
    }

    public func advance(seconds: Double) {
        advance(milliseconds: Int64((seconds * 1000).rounded()))
    }

    /// Sets the clock to an instant; it runs on from there.
    public func set(epochMilliseconds: Int64) {
        offset.store(epochMilliseconds - real(), ordering: .relaxed)
        changed()
    }

    func onChange(_ handler: @escaping @Sendable (EmulatorClock) -> Void) {
        onChange.withLock { $0 = handler }
    }

    private func changed() {
        let handler = onChange.withLock { $0 }
        handler?(self)
    }
}
