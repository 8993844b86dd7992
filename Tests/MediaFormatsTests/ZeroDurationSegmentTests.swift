import Testing
@testable import MediaFormats

/// Publishers with broken clocks (every frame stamped alike) still get
/// segments that last at least one frame: a playlist never says EXTINF:0.000.
@Suite struct ZeroDurationSegmentTests {
    static func playlist(_ segments: [FinishedSegment]) -> String {
        var playlist = HLSLivePlaylist(fragmentCount: 10, fragmentDuration: 2)
        for segment in segments { playlist.append(HLSPlaylistEntry(uri: "\(segment.sequence).ts", duration: segment.duration)) }
        return playlist.render()
    }

    @Test func videoFramesAllStampedAlikeLastOneVideoFrame() throws {
        let stream = try SyntheticStream()
        var tags = [FLVTag(type: 9, timestamp: 7000, payload: stream.videoHeader.payload)]
        for index in 0..<20 { tags.append(FLVTag(type: 9, timestamp: 7000, payload: index % 5 == 0 ? stream.key : stream.inter)) }
        let (segments, _, _) = try remux(tags)
        #expect(!segments.isEmpty)
        for segment in segments {
            // No step between frames is known: a 30 fps frame.
            #expect(abs(segment.duration - 1.0 / 30) < 0.0001, "\(segment.duration)")
        }
        #expect(!Self.playlist(segments).contains("#EXTINF:0.000"), "\(Self.playlist(segments))")
    }

    @Test func audioAndVideoAllStampedAlikeLastOneAudioFrame() throws {
        let stream = try SyntheticStream()
        var tags = [FLVTag(type: 8, timestamp: 0, payload: stream.audioHeader.payload),
                    FLVTag(type: 9, timestamp: 0, payload: stream.videoHeader.payload)]
        for index in 0..<30 {
            tags.append(FLVTag(type: 9, timestamp: 0, payload: index == 0 ? stream.key : stream.inter))
            tags.append(FLVTag(type: 8, timestamp: 0, payload: stream.audio))
        }
        let (segments, _, _) = try remux(tags)
        #expect(!segments.isEmpty)
        #expect(segments.allSatisfy { $0.duration >= 0.001 }, "\(segments.map(\.duration))")
        #expect(!Self.playlist(segments).contains("#EXTINF:0.000"), "\(Self.playlist(segments))")
    }

    @Test func honestSegmentsKeepTheirMeasuredDuration() throws {
        let stream = try SyntheticStream()
        let (segments, _, _) = try remux(stream.tags(video: [.init(fromMs: 0, toMs: 4000)], audioToMs: nil))
        let total = segments.map(\.duration).reduce(0, +)
        #expect(abs(total - 4.0) < 0.001, "\(segments.map(\.duration))")
    }
}
