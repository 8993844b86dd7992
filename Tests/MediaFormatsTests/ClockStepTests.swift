import Testing
@testable import MediaFormats

/// Publisher clocks that repeat a timestamp or step back a little: decode
/// times still advance on every track, all media is kept, no discontinuity.
@Suite struct ClockStepTests {
    typealias Span = SyntheticStream.VideoSpan

    static func decodeTimes(_ segments: [FinishedSegment], pid: UInt16) -> [Int64] {
        segments.flatMap { PESView.collect(TSPacketView.parse($0.bytes), pid: pid).map(\.dts) }
    }

    static func strictlyIncreasing(_ times: [Int64]) -> Bool {
        zip(times, times.dropFirst()).allSatisfy { $0 < $1 }
    }

    @Test func aRepeatedVideoTimestampTakesTheNextFrameSlot() throws {
        let stream = try SyntheticStream()
        var tags = stream.tags(video: [Span(fromMs: 0, toMs: 6000)], audioToMs: 6000)
        // Every 5th video frame carries its predecessor's timestamp.
        var count = 0, previous: UInt32 = 0
        for i in tags.indices where tags[i].type == 9 && tags[i].payload.dropFirst().first == 1 {
            count += 1
            let own = tags[i].timestamp
            if count % 5 == 0 { tags[i].timestamp = previous }
            previous = own
        }
        let r = try SegmentTimingTests.remuxed(tags, fragment: 2)
        SegmentTimingTests.checkCommon(r, fragment: 2)
        let video = Self.decodeTimes(r.segments, pid: TSLayout.videoPID)
        #expect(video.count == count)
        // Each frame one frame step after the one before: the repeated
        // timestamps land where the frames belong (within the 2 ms the
        // publisher's whole-millisecond rounding leaves).
        let steps = Set(zip(video, video.dropFirst()).map { $1 - $0 })
        #expect(steps.allSatisfy { abs($0 - SyntheticStream.videoFrameTicks) <= 2 * 90 }, "\(steps.sorted())")
        #expect(abs(r.extinfSum - 6.0) <= 0.06, "\(r.segments.map(\.duration))")
    }

    @Test func aSmallStepBackRunsOnWithoutDroppingMedia() throws {
        let stream = try SyntheticStream()
        var tags = stream.tags(video: [Span(fromMs: 0, toMs: 8000)], audioToMs: 8000)
        // Both clocks step back 300 ms at 4 s.
        for i in tags.indices where tags[i].timestamp >= 4000 { tags[i].timestamp -= 300 }
        let r = try SegmentTimingTests.remuxed(tags, fragment: 2)
        SegmentTimingTests.checkCommon(r, fragment: 2)
        let video = Self.decodeTimes(r.segments, pid: TSLayout.videoPID)
        let audio = Self.decodeTimes(r.segments, pid: TSLayout.audioPID)
        #expect(Self.strictlyIncreasing(video) && Self.strictlyIncreasing(audio))
        #expect(video.count == tags.filter { $0.type == 9 && $0.payload.dropFirst().first == 1 }.count)
        #expect(abs(r.extinfSum - 8.0) <= 0.08, "\(r.segments.map(\.duration))")
    }

    @Test func aRepeatedAudioTimestampStaysOnTheSampleGrid() throws {
        let stream = try SyntheticStream()
        var tags = stream.tags(video: [], audioToMs: 6000)
        var count = 0, previous: UInt32 = 0
        for i in tags.indices where tags[i].type == 8 && tags[i].payload.dropFirst().first == 1 {
            count += 1
            let own = tags[i].timestamp
            if count % 7 == 0 { tags[i].timestamp = previous }
            previous = own
        }
        let r = try SegmentTimingTests.remuxed(tags, fragment: 2, expectsVideo: false)
        SegmentTimingTests.checkCommon(r, fragment: 2)
        let audio = Self.decodeTimes(r.segments, pid: TSLayout.audioPID)
        let first = try #require(audio.first)
        // Each PES starts where the frames before it end: a whole number of frames after the first.
        for dts in audio {
            let frames = Double(dts - first) * Double(SyntheticStream.audioRate) / (1024 * 90000)
            #expect(abs(frames - frames.rounded()) < 0.01, "\(dts - first)")
        }
        #expect(abs(r.extinfSum - Double(count) * 1024 / Double(SyntheticStream.audioRate)) <= 0.03)
    }
}
