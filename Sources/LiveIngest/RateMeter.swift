/// Bytes per second over the last few whole seconds (GetLiveChannelStat's
/// Bandwidth), from a monotonic clock in milliseconds.
struct RateMeter: Sendable {
    /// Seconds averaged; the current, partial second is not counted.
    static let windowSeconds: Int64 = 5

    private var buckets: [Int64] = Array(repeating: 0, count: Int(RateMeter.windowSeconds + 1))
    private var currentSecond: Int64?
    private var firstSecond: Int64?

    mutating func add(_ bytes: Int, nowMilliseconds: Int64) {
        advance(to: nowMilliseconds / 1000)
        buckets[slot(currentSecond ?? 0)] += Int64(bytes)
    }

    /// Average over the complete seconds in the window (0 before the first second ends).
    mutating func bytesPerSecond(nowMilliseconds: Int64) -> Int64 {
        let second = nowMilliseconds / 1000
        advance(to: second)
        guard let first = firstSecond else { return 0 }
        let complete = min(Self.windowSeconds, second - first)
        guard complete > 0 else { return 0 }
        var total: Int64 = 0
        for offset in 1...complete { total += buckets[slot(second - offset)] }
        return total / complete
    }

    private func slot(_ second: Int64) -> Int {
        Int(((second % Int64(buckets.count)) + Int64(buckets.count)) % Int64(buckets.count))
    }

    private mutating func advance(to second: Int64) {
        guard let current = currentSecond else {
            currentSecond = second
            firstSecond = second
            return
        }
        guard second > current else { return }
        let steps = min(second - current, Int64(buckets.count))
        for offset in 1...steps { buckets[slot(current + offset)] = 0 }
        currentSecond = second
    }
}
