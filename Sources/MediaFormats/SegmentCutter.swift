/// Decides where segments end (§7.1). Times are 90 kHz ticks of one
/// monotonic clock.
///
/// With video, a segment ends before the first key frame at least
/// `fragmentDuration` after its start, or before any video frame once no key
/// frame has come for `forcedCutAfter` (OSS: max(2 × FragDuration, 60 s)).
///
/// When the video of a video stream stops — no video frame for longer than
/// `videoAbsenceBound` (2 × FragDuration) — audio times the segments as if
/// the stream were audio-only, so a segment whose video stopped lasts at most
/// its video part + `videoAbsenceBound` + one audio frame and the following
/// ones about `fragmentDuration`. Video that comes back opens a new segment
/// at its first key frame; the frames before that key frame are skipped, so
/// no segment of a video stream starts with a video frame that is not a key
/// frame (unless forced after `forcedCutAfter`).
///
/// Without video, a segment ends at the first audio frame at least
/// `fragmentDuration` in.
public struct SegmentCutter: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case keep
        /// Start a new segment with this frame. `forced` when it is a video frame that is not a key frame.
        case cut(forced: Bool)
        /// Leave this frame out: video that came back after an absence,
        /// before its first key frame.
        case skip
    }

    /// OSS's rule: no key frame for max(2 × FragDuration, 60 s) forces a cut.
    public static let minimumForcedCutInterval: Int64 = 60 * TSLayout.clockRate
    /// Video absent for longer than this many FragDurations: audio times the segments.
    public static let videoAbsenceFactor: Int64 = 2

    public let fragmentDuration: Int64
    public let forcedCutAfter: Int64
    public let videoAbsenceBound: Int64
    public let hasVideo: Bool
    public private(set) var segmentStart: Int64?
    /// The open segment of a video stream is timed by audio: video stopped, or has not started.
    public private(set) var timedByAudio = false
    public private(set) var lastVideoDTS: Int64?

    public init(fragmentDuration: Int64, hasVideo: Bool) {
        self.fragmentDuration = max(fragmentDuration, 1)
        let (doubled, overflow) = self.fragmentDuration.multipliedReportingOverflow(by: Self.videoAbsenceFactor)
        let bound = overflow ? Int64.max : doubled
        self.forcedCutAfter = max(bound, Self.minimumForcedCutInterval)
        self.videoAbsenceBound = bound
        self.hasVideo = hasVideo
    }

    /// Call for every frame in decode order, before muxing it. The first
    /// frame always opens the first segment (`.cut(forced:)`; audio opening
    /// a video stream's first segment makes that segment audio-timed).
    public mutating func decide(dts: Int64, isVideo: Bool, isKeyframe: Bool) -> Decision {
        guard let start = segmentStart else {
            segmentStart = dts
            if isVideo { lastVideoDTS = dts }
            timedByAudio = hasVideo && !isVideo
            return .cut(forced: isVideo && !isKeyframe)
        }
        let elapsed = dts &- start
        guard hasVideo else {
            guard !isVideo, elapsed >= fragmentDuration else { return .keep }
            segmentStart = dts
            return .cut(forced: false)
        }
        if isVideo {
            if timedByAudio {
                guard isKeyframe else { return .skip }
                timedByAudio = false
                return open(at: dts, video: true, forced: false)
            }
            lastVideoDTS = dts
            if isKeyframe, elapsed >= fragmentDuration { return open(at: dts, video: true, forced: false) }
            if elapsed >= forcedCutAfter { return open(at: dts, video: true, forced: !isKeyframe) }
            return .keep
        }
        if timedByAudio {
            return elapsed >= fragmentDuration ? open(at: dts, video: false, forced: false) : .keep
        }
        if let last = lastVideoDTS, dts &- last > videoAbsenceBound {
            timedByAudio = true
            return open(at: dts, video: false, forced: false)
        }
        return .keep
    }

    private mutating func open(at dts: Int64, video: Bool, forced: Bool) -> Decision {
        segmentStart = dts
        if video { lastVideoDTS = dts }
        return .cut(forced: forced)
    }

    /// Makes the next frame open a segment whatever its time (for a
    /// discontinuity, e.g. a new sequence header).
    public mutating func reset() {
        segmentStart = nil
        timedByAudio = false
    }
}
