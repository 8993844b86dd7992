/// Something the emulator did that a test may wait for.
public enum EmulatorEvent: Sendable, Equatable {
    /// A publisher was admitted; media goes to `playlistKey` and its segments.
    case publishStarted(bucket: String, channel: String, remoteAddress: String, playlistKey: String)
    /// A publish request was refused. `bucket`/`channel` are nil when the
    /// publish path names none; `reason` starts with the OSS error code.
    case publishRefused(bucket: String?, channel: String?, remoteAddress: String, reason: String)
    /// A push ended and its last segment and playlist are written.
    case publishEnded(bucket: String, channel: String, reason: String)
    case segmentWritten(bucket: String, channel: String, key: String, durationMilliseconds: Int64, size: Int)
    case playlistUpdated(bucket: String, channel: String, key: String, ended: Bool)
    /// An object of a push could not be written.
    case writeFailed(bucket: String, channel: String, key: String, reason: String)
    /// Every bucket, object and channel was removed (`Emulator.reset()`).
    case reset
    /// The emulator's clock was set or advanced: its new now (epoch ms) and offset from real time.
    case clockChanged(now: Int64, offsetMilliseconds: Int64)
    /// A fault rule hit a request or push (`key` is the channel for `rtmp:publish`).
    case faultInjected(rule: Int, operation: String, bucket: String?, key: String?, action: String)
    /// A lifecycle sweep deleted, transitioned or aborted something in `bucket`.
    case lifecycleApplied(bucket: String, expired: Int, transitioned: Int, aborted: Int)

    /// The event's name on the wire (`event:` of Server-Sent Events, `type` in JSON).
    public var name: String {
        switch self {
        case .publishStarted: return "publish-started"
        case .publishRefused: return "publish-refused"
        case .publishEnded: return "publish-ended"
        case .segmentWritten: return "segment-written"
        case .playlistUpdated: return "playlist-updated"
        case .writeFailed: return "write-failed"
        case .reset: return "reset"
        case .clockChanged: return "clock-changed"
        case .faultInjected: return "fault-injected"
        case .lifecycleApplied: return "lifecycle-applied"
        }
    }

    public var bucket: String? {
        switch self {
        case .publishStarted(let bucket, _, _, _), .publishEnded(let bucket, _, _), .segmentWritten(let bucket, _, _, _, _),
             .playlistUpdated(let bucket, _, _, _), .writeFailed(let bucket, _, _, _):
            return bucket
        case .publishRefused(let bucket, _, _, _): return bucket
        case .faultInjected(_, _, let bucket, _, _): return bucket
        case .lifecycleApplied(let bucket, _, _, _): return bucket
        case .reset, .clockChanged: return nil
        }
    }

    public var channel: String? {
        switch self {
        case .publishStarted(_, let channel, _, _), .publishEnded(_, let channel, _), .segmentWritten(_, let channel, _, _, _),
             .playlistUpdated(_, let channel, _, _), .writeFailed(_, let channel, _, _):
            return channel
        case .publishRefused(_, let channel, _, _): return channel
        case .faultInjected(_, let operation, _, let key, _): return operation == "rtmp:publish" ? key : nil
        case .reset, .clockChanged, .lifecycleApplied: return nil
        }
    }
}

/// An event with its place in the stream.
public struct EmulatorEventRecord: Sendable, Equatable {
    /// Strictly increasing from 1 for the emulator's lifetime (across
    /// restarts and resets); the SSE `id:`.
    public var sequence: UInt64
    /// Wall clock, epoch milliseconds.
    public var time: Int64
    public var event: EmulatorEvent

    public init(sequence: UInt64, time: Int64, event: EmulatorEvent) {
        self.sequence = sequence
        self.time = time
        self.event = event
    }
}
