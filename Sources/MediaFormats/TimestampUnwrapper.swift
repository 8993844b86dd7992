/// Extends a 32-bit RTMP millisecond clock (which wraps after ≈ 49.7 days)
/// to 64 bits: each new value moves the clock by the signed 32-bit
/// difference from the previous one (§6.8).
public struct TimestampUnwrapper: Sendable, Equatable {
    private var last: UInt32?
    private var value: Int64 = 0

    public init() {}

    public mutating func unwrap(_ raw: UInt32) -> Int64 {
        if let last {
            value += Int64(Int32(bitPattern: raw &- last))
        } else {
            value = Int64(raw)
        }
        last = raw
        return value
    }
}
