/// Decides where segments end (§7.1). With video, a segment ends before the
/// first key frame at least `fragmentDuration` after its start, or before any
/// video frame once no key frame has come for `forcedCutAfter`. Without
/// video, it ends at the first audio frame at least `fragmentDuration` in.
/// Times are 90 kHz ticks of one monotonic clock.
public struct SegmentCutter: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case keep
        /// Start a new segment with this frame. `forced` when it is not a key frame.
        case cut(forced: Bool)
    }

    /// OSS's rule: no key frame for max(2 × FragDuration, 60 s) forces a cut.
    public static let minimumForcedCutInterval: Int64 = 60 * TSLayout.clockRate

    public let fragmentDuration: Int64
    public let forcedCutAfter: Int64
    public let hasVideo: Bool
    public private(set) var segmentStart: Int64?

    public init(fragmentDuration: Int64, hasVideo: Bool) {
        self.fragmentDuration = max(fragmentDuration, 1)
        let (doubled, overflow) = self.fragmentDuration.multipliedReportingOverflow(by: 2)
        self.forcedCutAfter = overflow ? Int64.max : max(doubled, Self.minimumForcedCutInterval)
        self.hasVideo = hasVideo
    }

    /// Call for every frame in decode order, before muxing it. The first
    /// frame always opens the first segment (`.cut(forced:)` with its key flag).
    public mutating func decide(dts: Int64, isVideo: Bool, isKeyframe: Bool) -> Decision {
        guard let start = segmentStart else {
            segmentStart = dts
            return .cut(forced: !isKeyframe)
        }
        guard isVideo == hasVideo else { return .keep }
        let elapsed = dts &- start
        if hasVideo {
            if isKeyframe, elapsed >= fragmentDuration {
                segmentStart = dts
                return .cut(forced: false)
            }
            if elapsed >= forcedCutAfter {
                segmentStart = dts
                return .cut(forced: !isKeyframe)
            }
            return .keep
        }
        if elapsed >= fragmentDuration {
            segmentStart = dts
            return .cut(forced: false)
        }
        return .keep
    }

    /// Makes the next frame open a segment whatever its time (for a
    /// discontinuity, e.g. a new sequence header).
    public mutating func reset() { segmentStart = nil }
}
