import Synchronization

/// OSS request ids: 24 upper-case hex characters (Java's tests assert the length).
/// Seconds since the epoch, then a process-wide counter started at a random value,
/// so ids are unique within a run and sort roughly by time.
enum RequestID {
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0..<(1 << 40)))

    static func next(nowMilliseconds: Int64) -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let seconds = UInt32(truncatingIfNeeded: nowMilliseconds / 1000)
        return hex(UInt64(seconds), digits: 8) + hex(sequence, digits: 16)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
