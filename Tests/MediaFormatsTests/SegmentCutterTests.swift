import Testing
@testable import MediaFormats

@Suite struct SegmentCutterTests {
    static let second: Int64 = 90_000

    @Test func cutsAtTheFirstKeyframeAfterTheFragmentDuration() {
        var c = SegmentCutter(fragmentDuration: 2 * Self.second, hasVideo: true)
        var cuts: [Int64] = []
        // 30 fps, key frame every 45 frames (1.5 s): keys at 0, 1.5, 3.0, 4.5, 6.0 s.
        for frame in 0..<200 {
            let dts = Int64(frame) * 3000
            if case .cut(let forced) = c.decide(dts: dts, isVideo: true, isKeyframe: frame % 45 == 0) {
                #expect(!forced)
                cuts.append(dts)
            }
            // Audio never cuts a video stream.
            #expect(c.decide(dts: dts + 10, isVideo: false, isKeyframe: true) == .keep)
        }
        #expect(cuts == [0, 3 * Self.second, 6 * Self.second])
    }

    @Test func exactlyFragmentDurationCuts() {
        var c = SegmentCutter(fragmentDuration: 2 * Self.second, hasVideo: true)
        #expect(c.decide(dts: 100, isVideo: true, isKeyframe: true) == .cut(forced: false))
        #expect(c.decide(dts: 100 + 2 * Self.second - 1, isVideo: true, isKeyframe: true) == .keep)
        #expect(c.decide(dts: 100 + 2 * Self.second, isVideo: true, isKeyframe: true) == .cut(forced: false))
        #expect(c.segmentStart == 100 + 2 * Self.second)
    }

    @Test func forcedCutAfterSixtySecondsWithoutKeyframe() {
        // max(2 × 5 s, 60 s) = 60 s.
        var c = SegmentCutter(fragmentDuration: 5 * Self.second, hasVideo: true)
        #expect(c.forcedCutAfter == SegmentCutter.minimumForcedCutInterval)
        #expect(c.decide(dts: 0, isVideo: true, isKeyframe: true) == .cut(forced: false))
        #expect(c.decide(dts: 60 * Self.second - 3000, isVideo: true, isKeyframe: false) == .keep)
        #expect(c.decide(dts: 60 * Self.second, isVideo: true, isKeyframe: false) == .cut(forced: true))
        #expect(c.decide(dts: 61 * Self.second, isVideo: true, isKeyframe: false) == .keep)
    }

    @Test func forcedCutAfterTwoFragmentsWhenLonger() {
        // max(2 × 40 s, 60 s) = 80 s.
        var c = SegmentCutter(fragmentDuration: 40 * Self.second, hasVideo: true)
        #expect(c.forcedCutAfter == 80 * Self.second)
        _ = c.decide(dts: 0, isVideo: true, isKeyframe: true)
        #expect(c.decide(dts: 79 * Self.second, isVideo: true, isKeyframe: false) == .keep)
        #expect(c.decide(dts: 80 * Self.second, isVideo: true, isKeyframe: false) == .cut(forced: true))
    }

    @Test func audioOnlyCutsOnTime() {
        var c = SegmentCutter(fragmentDuration: Self.second, hasVideo: false)
        var cuts: [Int64] = []
        for frame in 0..<100 {
            let dts = Int64(frame) * 1920  // 1024 samples at 48 kHz
            if case .cut = c.decide(dts: dts, isVideo: false, isKeyframe: true) { cuts.append(dts) }
        }
        #expect(cuts == [0, 47 * 1920, 94 * 1920])  // first frames at or past 1 s, 2 s
    }

    @Test func firstFrameOpensAndResetReopens() {
        var c = SegmentCutter(fragmentDuration: Self.second, hasVideo: true)
        #expect(c.decide(dts: 5, isVideo: true, isKeyframe: false) == .cut(forced: true))
        c.reset()
        #expect(c.segmentStart == nil)
        #expect(c.decide(dts: 6, isVideo: true, isKeyframe: true) == .cut(forced: false))
    }
}
