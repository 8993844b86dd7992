import Synchronization

/// OSS request ids: 24 upper-case hex characters (Java's tests assert the length).
/// Seconds since the epoch, then a process-wide counter started at a random value,
/// so ids are unique within a run and sort roughly by time.
enum RequestID {
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0..<(1 << 40)))

    static func next(nowMilliseconds: Int64) -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let seconds = UInt32(truncatingIfNeeded: nowMilliseconds / 1000)
        // Written in place: one allocation per id, no intermediate strings.
        return String(unsafeUninitializedCapacity: length) { out in
            put(UInt64(seconds), digits: 8, into: out, at: 0)
            put(sequence, digits: 16, into: out, at: 8)
            return length
        }
    }

    static let length = 24

    /// `value`'s low `digits` hex digits, zero-padded, upper case.
    private static func put(_ value: UInt64, digits: Int, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var rest = value
        for index in stride(from: start + digits - 1, through: start, by: -1) {
            let nibble = UInt8(rest & 0xF)
            out[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
            rest >>= 4
        }
    }
}
