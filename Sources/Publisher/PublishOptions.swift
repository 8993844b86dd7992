import RTMP
import Transport

/// How a `PublishRun` sends its streams.
public struct PublishOptions: Sendable {
    /// Send at the media's own pace (as ffmpeg `-re`) instead of as fast as possible.
    public var realtime: Bool
    /// Start the media again at its end, timestamps continuing, until stopped.
    public var loop: Bool
    /// New connections started per second.
    public var connectRate: Int
    /// Send the file's own timestamps (wrapping at 2^32 ms) instead of
    /// starting at 0: reproduces a publisher whose clock does not start at 0
    /// and reaches RTMP's extended timestamps and the 32-bit wrap quickly.
    public var keepTimestamps: Bool
    /// Serial queues carrying the streams; each stream stays on one.
    public var queueCount: Int
    /// After `stop()`, how long streams get to unpublish and close before
    /// the run gives up on them.
    public var stopGrace: Duration
    public var connectTimeout: Duration
    public var limits: RTMPLimits

    public static let defaultConnectRate = 1000
    public static let defaultStopGrace: Duration = .seconds(5)

    public init(realtime: Bool = false, loop: Bool = false, connectRate: Int = PublishOptions.defaultConnectRate,
                keepTimestamps: Bool = false, queueCount: Int = 1, stopGrace: Duration = PublishOptions.defaultStopGrace,
                connectTimeout: Duration = TCPConnector.defaultConnectTimeout, limits: RTMPLimits = .default) {
        self.realtime = realtime
        self.loop = loop
        self.connectRate = max(1, connectRate)
        self.keepTimestamps = keepTimestamps
        self.queueCount = max(1, queueCount)
        self.stopGrace = stopGrace
        self.connectTimeout = connectTimeout
        self.limits = limits
    }
}

/// How one stream of a run ended.
public enum StreamOutcome: Sendable, Equatable {
    /// Sent to the end (or until stopped) and unpublished.
    case finished
    case failed(PublishError)
    /// The run was stopped before this stream was started.
    case notStarted
}

/// What a finished run reports: one outcome per URL, in URL order, and the totals.
public struct PublishReport: Sendable, Equatable {
    public var outcomes: [StreamOutcome]
    public var totals: PublishTotals.Snapshot
    /// Every failure, including ones not tied to a stream; what `push`'s exit status follows.
    public var failed: Bool { totals.failed > 0 }

    public init(outcomes: [StreamOutcome], totals: PublishTotals.Snapshot) {
        self.outcomes = outcomes
        self.totals = totals
    }
}
