/// Bytes of each whole second of a push, the newest `capacitySeconds` of
/// them: the console's bitrate graph ("the last few minutes"), from a
/// monotonic clock in milliseconds. Seconds without data count as 0.
struct RateHistory: Sendable {
    /// Seconds kept.
    static let capacitySeconds = 180

    /// Completed seconds, oldest first.
    private var completed: [Int64] = []
    private var currentSecond: Int64?
    private var currentBytes: Int64 = 0

    mutating func add(_ bytes: Int, nowMilliseconds: Int64) {
        advance(to: nowMilliseconds / 1000)
        currentBytes += Int64(bytes)
    }

    /// Bytes of every completed second kept, oldest first (the current, partial second is left out).
    mutating func samples(nowMilliseconds: Int64) -> [Int64] {
        advance(to: nowMilliseconds / 1000)
        return completed
    }

    private mutating func advance(to second: Int64) {
        guard let current = currentSecond else {
            currentSecond = second
            return
        }
        guard second > current else { return }
        completed.append(currentBytes)
        let silent = min(second - current - 1, Int64(Self.capacitySeconds))
        if silent > 0 { completed += Array(repeating: 0, count: Int(silent)) }
        if completed.count > Self.capacitySeconds { completed.removeFirst(completed.count - Self.capacitySeconds) }
        currentSecond = second
        currentBytes = 0
    }
}
