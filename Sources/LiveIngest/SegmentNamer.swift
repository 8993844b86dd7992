import Locking
import MediaFormats

/// Where each channel's output ended (clock and TS continuity counters), so
/// a new push continues it: one increasing timeline for players and VOD
/// playlists.
public final class ChannelTimelines: Sendable {
    private let ends = Locked<[String: RemuxContinuity]>([:])

    public init() {}

    public func end(bucket: String, channel: String) -> RemuxContinuity? {
        ends.withLock { $0[bucket + "/" + channel] }
    }

    public func record(bucket: String, channel: String, end: RemuxContinuity) {
        ends.withLock { $0[bucket + "/" + channel] = end }
    }

    /// Forgets every channel (their objects were deleted).
    public func removeAll() {
        ends.withLock { $0.removeAll() }
    }
}

/// Names segments `<epoch-ms>.ts` by the wall clock when they open, strictly
/// increasing per channel even when two segments open in the same
/// millisecond or the clock steps back.
public final class SegmentNamer: Sendable {
    private let last = Locked<[String: Int64]>([:])

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
