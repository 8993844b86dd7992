import Foundation
import Testing
@testable import MediaFormats

/// Segments of streams whose video stops, starts late, comes back or has
/// long GOPs: honest EXTINF, bounded segments, key frames first, no
/// discontinuity inside one push.
@Suite struct SegmentTimingTests {
    typealias Span = SyntheticStream.VideoSpan
    static let frameTolerance = Double(SyntheticStream.videoFrameTicks) / 90000

    struct Result {
        var segments: [FinishedSegment]
        var contents: [SegmentContent]
        var events: [RemuxEvent]
        var extinfSum: Double { segments.map(\.duration).reduce(0, +) }
    }

    static func remuxed(_ tags: [FLVTag], fragment: Double, expectsVideo: Bool? = nil) throws -> Result {
        let (segments, events, _) = try remux(tags, fragmentDuration: fragment, expectsVideo: expectsVideo)
        return Result(segments: segments, contents: segments.map { SegmentContent($0.bytes) }, events: events)
    }

    /// Checks every rule that holds for any stream: EXTINF within one frame
    /// of the media a segment holds, each segment with video opening on a
    /// key frame, audio carrying the clock where there is no video, no
    /// discontinuity, and a target duration that never decreases.
    static func checkCommon(_ r: Result, fragment: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        for (segment, content) in zip(r.segments, r.contents) {
            #expect(abs(segment.duration - content.duration) <= frameTolerance + 0.0001,
                    "segment \(segment.sequence): EXTINF \(segment.duration) holds \(content.duration)", sourceLocation: sourceLocation)
            if content.videoFrames > 0 {
                #expect(content.firstVideoIsKey == true, "segment \(segment.sequence)", sourceLocation: sourceLocation)
                #expect(content.pcrPID == TSLayout.videoPID, sourceLocation: sourceLocation)
            } else {
                #expect(content.pcrPID == TSLayout.audioPID && content.audioPCRs > 0, "segment \(segment.sequence)",
                        sourceLocation: sourceLocation)
            }
            #expect(!segment.start.discontinuity, "segment \(segment.sequence)", sourceLocation: sourceLocation)
        }
        var playlist = HLSLivePlaylist(fragmentCount: 3, fragmentDuration: fragment)
        var target = playlist.targetDuration
        for segment in r.segments {
            playlist.append(HLSPlaylistEntry(uri: "\(segment.sequence).ts", duration: segment.duration))
            #expect(playlist.targetDuration >= target, sourceLocation: sourceLocation)
            target = playlist.targetDuration
            let longest = playlist.entries.map(\.duration).max() ?? 0
            #expect(Double(playlist.targetDuration) >= longest - 0.001, sourceLocation: sourceLocation)
        }
    }

    @Test func videoStopsAtFourSecondsWhileAudioRunsToTwenty() throws {
        let stream = try SyntheticStream()
        let fragment = 4.0
        let tags = stream.tags(video: [Span(fromMs: 0, toMs: 4000)], audioToMs: 20000)
        let r = try Self.remuxed(tags, fragment: fragment)
        Self.checkCommon(r, fragment: fragment)
        let audioEnd = Double(tags.last { $0.type == 8 }!.timestamp) / 1000 + Double(SyntheticStream.audioFrameTicks) / 90000
        #expect(abs(r.extinfSum - audioEnd) <= audioEnd * 0.01, "\(r.segments.map(\.duration))")
        // The segment holding the end of the video lasts until video has been
        // absent for 2 × FragDuration; then audio cuts about every FragDuration.
        let bound = 4.0 + 2 * fragment + Self.frameTolerance
        #expect(r.segments.allSatisfy { $0.duration <= bound }, "\(r.segments.map(\.duration))")
        #expect(r.segments.count == 3)
        #expect(r.segments.dropFirst().allSatisfy { abs($0.duration - fragment) < 0.05 || $0 == r.segments.last })
    }

    @Test func audioOnlyOnceVideoStopsKeepsSegmentsNearFragDuration() throws {
        let stream = try SyntheticStream()
        let r = try Self.remuxed(stream.tags(video: [Span(fromMs: 0, toMs: 2000)], audioToMs: 60000), fragment: 2)
        Self.checkCommon(r, fragment: 2)
        // 2 s of video, 4 s until the absence shows, then 2 s segments.
        #expect(r.segments.first.map { abs($0.duration - 6) < 0.05 } == true, "\(r.segments.map(\.duration))")
        #expect(r.segments.dropFirst().dropLast().allSatisfy { abs($0.duration - 2) < 0.03 })
        #expect(abs(r.extinfSum - 60) < 0.6)
    }

    @Test func audioLongBeforeTheFirstKeyFrameGetsItsOwnSegments() throws {
        let stream = try SyntheticStream()
        let tags = stream.tags(video: [Span(fromMs: 10000, toMs: 20000)], audioToMs: 20000)
        let r = try Self.remuxed(tags, fragment: 4, expectsVideo: true)
        Self.checkCommon(r, fragment: 4)
        #expect(r.segments.first?.firstTimestamp == 0)
        #expect(abs(r.extinfSum - 20) < 0.2, "\(r.segments.map(\.duration))")
        // Audio-timed until the key frame at 10 s, which opens a segment.
        #expect(r.segments.contains { $0.firstTimestamp == 10000 && $0.startsWithKeyframe })
        #expect(r.segments.allSatisfy { $0.duration <= 4 + Self.frameTolerance })
    }

    @Test func videoStartingLateKeepsTheAudioBeforeIt() throws {
        let stream = try SyntheticStream()
        let tags = stream.tags(video: [Span(fromMs: 3000, toMs: 12000)], audioToMs: 12000)
        let r = try Self.remuxed(tags, fragment: 4, expectsVideo: true)
        Self.checkCommon(r, fragment: 4)
        #expect(r.segments.map(\.firstTimestamp).prefix(2) == [0, 3000], "\(r.segments.map(\.firstTimestamp))")
        #expect(abs(r.extinfSum - 12) < 0.12)
    }

    /// Without a video announcement, a second of audio alone makes the
    /// stream audio-only; video arriving later joins at its first key frame
    /// after EXT-X-DISCONTINUITY (the track list changes, RFC 8216 §4.3.2.3).
    @Test func videoJoiningAStreamJudgedAudioOnlyStartsANewTimelineSegment() throws {
        let stream = try SyntheticStream()
        let tags = stream.tags(video: [Span(fromMs: 3000, toMs: 12000, firstKeyFrame: 15)], audioToMs: 12000)
        let r = try Self.remuxed(tags, fragment: 4)
        let joined = try #require(r.segments.firstIndex { r.contents[r.segments.firstIndex(of: $0)!].videoFrames > 0 })
        #expect(r.segments[joined].firstTimestamp == 3500 && r.segments[joined].start.discontinuity)
        #expect(r.segments.filter(\.start.discontinuity).count == 1)
        for content in r.contents[..<joined] { #expect(content.videoFrames == 0 && content.pcrPID == TSLayout.audioPID) }
        for (segment, content) in zip(r.segments, r.contents) {
            #expect(abs(segment.duration - content.duration) <= Self.frameTolerance + 0.0001)
            if content.videoFrames > 0 { #expect(content.firstVideoIsKey == true && content.pcrPID == TSLayout.videoPID) }
        }
        #expect(abs(r.extinfSum - 12) < 0.12, "\(r.segments.map(\.duration))")
    }

    @Test func videoComingBackStartsASegmentAtItsFirstKeyFrame() throws {
        let stream = try SyntheticStream()
        // Video 0–4 s, then from 15 s with its first key frame one second in;
        // the 11 s gap is larger than the forward jump limit (10 s).
        let tags = stream.tags(video: [Span(fromMs: 0, toMs: 4000), Span(fromMs: 15000, toMs: 24000, firstKeyFrame: 30)],
                               audioToMs: 24000)
        let r = try Self.remuxed(tags, fragment: 4)
        Self.checkCommon(r, fragment: 4)
        #expect(r.segments.contains { $0.firstTimestamp == 16000 && $0.startsWithKeyframe }, "\(r.segments.map(\.firstTimestamp))")
        // The 30 frames before that key frame are left out.
        #expect(RemuxerBehaviourTests.drops(r.events).filter { $0 == .waitingForKeyframe }.count == 30)
        #expect(abs(r.extinfSum - 24) < 0.24)
        // Video keeps its time against audio: no rebase across the gap.
        let back = try #require(r.segments.firstIndex { $0.firstTimestamp == 16000 })
        let audioBefore = r.segments[..<back].map(\.duration).reduce(0, +)
        #expect(abs(audioBefore - 16) < 0.05)
    }

    @Test func longGOPsGiveLongerSegmentsThatStartOnKeyFrames() throws {
        let stream = try SyntheticStream()
        // Key frame every 10 s, FragDuration 2: no forced cut before 60 s.
        let tags = stream.tags(video: [Span(fromMs: 0, toMs: 30000, gopFrames: 300)], audioToMs: 30000)
        let r = try Self.remuxed(tags, fragment: 2)
        Self.checkCommon(r, fragment: 2)
        #expect(r.segments.map(\.firstTimestamp) == [0, 10000, 20000])
        #expect(r.segments.allSatisfy { $0.startsWithKeyframe })
        #expect(abs(r.extinfSum - 30) < 0.1)
    }

    @Test func withoutKeyFramesACutIsForcedAfterSixtySeconds() throws {
        let stream = try SyntheticStream()
        let tags = stream.tags(video: [Span(fromMs: 0, toMs: 70000, gopFrames: 100_000)], audioToMs: 70000)
        let r = try Self.remuxed(tags, fragment: 2)
        #expect(r.segments.map(\.firstTimestamp) == [0, 60000])
        #expect(r.segments.map(\.startsWithKeyframe) == [true, false])
    }

    @Test func extinfOfTheLastSegmentRunsToTheEndOfTheLongestTrack() throws {
        let stream = try SyntheticStream()
        // Audio ends 0.5 s after video, within the absence bound.
        let r = try Self.remuxed(stream.tags(video: [Span(fromMs: 0, toMs: 5000)], audioToMs: 5500), fragment: 2)
        Self.checkCommon(r, fragment: 2)
        let last = try #require(r.segments.last)
        #expect(abs(Double(last.firstTimestamp) / 1000 + last.duration - 5.5) < 0.03)
    }

    /// FFmpeg's view of the 4 s video / 20 s audio case: the packets of
    /// every segment span its EXTINF within one frame, and the playlist's
    /// audio decodes without a warning.
    @Test func ffprobeAgreesWithTheExtinfs() throws {
        let stream = try SyntheticStream()
        let r = try Self.remuxed(stream.tags(video: [Span(fromMs: 0, toMs: 4000)], audioToMs: 20000), fragment: 4)
        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        let playlist = try RemuxerFixtureTests.write(r.segments, to: dir)
        for segment in r.segments {
            let path = dir.appendingPathComponent("\(segment.sequence).ts").path
            // First packet to past the last (FFmpeg's format duration stops at the last PES start).
            let probe = try run("ffprobe", ["-v", "error", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", path])
            let packets = probe.out.split(separator: "\n").compactMap { line -> (Double, Double)? in
                let f = line.split(separator: ",").compactMap { Double($0) }
                return f.count == 2 ? (f[0], f[1]) : nil
            }
            let first = try #require(packets.map(\.0).min(), "\(probe.err)")
            let probed = (packets.map { $0.0 + $0.1 }.max() ?? first) - first
            #expect(abs(probed - segment.duration) <= Self.frameTolerance + 0.001, "segment \(segment.sequence): \(probed) vs \(segment.duration)")
        }
        let check = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist, "-map", "0:a", "-f", "null", "-"], timeout: 60)
        #expect(check.status == 0 && check.err.isEmpty, "\(check.err)")
        let total = try run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", playlist])
        let probedTotal = try #require(Double(total.out.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(probedTotal - r.extinfSum) < 0.2, "\(probedTotal) vs \(r.extinfSum)")
    }
}
