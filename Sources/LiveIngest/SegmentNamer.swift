import Synchronization

/// Names segments `<epoch-ms>.ts` by the wall clock when they open, strictly
/// increasing per channel even when two segments open in the same
/// millisecond or the clock steps back.
public final class SegmentNamer: Sendable {
    private let last = Mutex<[String: Int64]>([:])

    public init() {}

    public func next(bucket: String, channel: String, now: Int64) -> Int64 {
        last.withLock { last in
            let key = bucket + "/" + channel
            let name = max(now, (last[key] ?? .min) &+ 1)
            last[key] = name
            return name
        }
    }

    /// Makes later names follow an existing segment (after a restart).
    public func observe(bucket: String, channel: String, name: Int64) {
        last.withLock { last in
            let key = bucket + "/" + channel
            last[key] = max(last[key] ?? .min, name)
        }
    }
}
