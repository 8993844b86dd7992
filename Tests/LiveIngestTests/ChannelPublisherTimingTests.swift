import Dispatch
import Locking
import MediaFormats
import Storage
import Testing
@testable import LiveIngest

/// Pushes whose video stops or whose publisher goes quiet, through the
/// channel publisher to stored segments and playlist.
final class ManualClock: Sendable {
    private let value = Locked<Int64>(0)
    var now: Int64 { value.withLock { $0 } }
    func set(_ ms: Int64) { value.withLock { $0 = ms } }
    func advance(_ ms: Int64) { value.withLock { $0 += ms } }
}

@Suite struct ChannelPublisherTimingTests {
    let writer = DispatchQueue(label: "test.timing.writer")

    /// The fixture's video up to `videoToMs`, and its first AAC frame
    /// repeated on the 44.1 kHz grid up to `audioToMs`.
    static func videoStopsEarly(videoToMs: Int64, audioToMs: Int64) throws -> [FLVTag] {
        let tags = try fixtureTags("av-640x360-30fps.flv")
        let audioHeader = try #require(tags.first { $0.type == 8 && $0.payload.dropFirst().first == 0 })
        let frame = try #require(tags.first { $0.type == 8 && $0.payload.dropFirst().first == 1 }).payload
        var timed = tags.filter { $0.type == 9 && Int64($0.timestamp) < videoToMs }.map { (Int64($0.timestamp), 0, $0) }
        var j: Int64 = 0
        while j * 1024 * 1000 / 44100 < audioToMs {
            let ms = j * 1024 * 1000 / 44100
            timed.append((ms, 1, FLVTag(type: 8, timestamp: UInt32(ms), payload: frame)))
            j += 1
        }
        timed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return [audioHeader] + timed.map(\.2)
    }

    func makePublisher(_ temp: TemporaryStore, fragDuration: Int, clock: ManualClock? = nil) -> ChannelPublisher {
        let configuration = PushConfiguration(bucket: "bkt", channel: "cam", playlistName: "playlist.m3u8",
                                              fragDuration: fragDuration, fragCount: 5, pushId: "p1")
        let wall = Locked<Int64>(1_700_000_000_000)
        return ChannelPublisher(
            configuration: configuration, store: temp.store, writer: writer, namer: SegmentNamer(), timelines: ChannelTimelines(),
            wallClock: { wall.withLock { $0 += 1; return $0 } },
            monotonicMilliseconds: { clock?.now ?? 0 })
    }

    func finish(_ publisher: ChannelPublisher) {
        let done = DispatchSemaphore(value: 0)
        publisher.finish { done.signal() }
        done.wait()
    }

    @Test func videoEndingEarlyGivesHonestSegmentsAndNoDiscontinuity() throws {
        let temp = try TemporaryStore()
        let publisher = makePublisher(temp, fragDuration: 4)
        for tag in try Self.videoStopsEarly(videoToMs: 4000, audioToMs: 20000) {
            try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
        }
        finish(publisher)
        let segments = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam")
        let total = segments.map(\.durationMilliseconds).reduce(0, +)
        #expect(segments.count == 3 && abs(total - 20_000) <= 200, "\(segments.map(\.durationMilliseconds))")
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(!playlist.contains("#EXT-X-DISCONTINUITY"))
        #expect(playlist.hasSuffix("#EXT-X-ENDLIST\n"))
        let longest = segments.map(\.durationMilliseconds).max() ?? 0
        #expect(playlist.contains("#EXT-X-TARGETDURATION:\((longest + 999) / 1000)\n"), "\(playlist)")
    }

    @Test func aQuietPublisherHasItsSegmentWrittenWithinOneFragDuration() throws {
        let temp = try TemporaryStore()
        let clock = ManualClock()
        let publisher = makePublisher(temp, fragDuration: 4, clock: clock)
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { ($0.type == 8 || $0.type == 9) && $0.timestamp < 3000 }
        for tag in tags {
            clock.set(Int64(tag.timestamp))
            try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
        }
        // Not yet quiet for long enough: the segment stays open.
        clock.advance(publisher.idleCloseMilliseconds - 1)
        publisher.closeIfIdle()
        writer.sync {}
        #expect(try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam").isEmpty)
        #expect(publisher.idleCloseMilliseconds + publisher.idleCheckMilliseconds <= 4000)
        clock.advance(1)
        publisher.closeIfIdle()
        writer.sync {}
        let written = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam")
        #expect(written.count == 1 && abs(written[0].durationMilliseconds - 3000) <= 40, "\(written.map(\.durationMilliseconds))")
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(!playlist.contains("#EXT-X-ENDLIST"))
        // The publisher comes back: the next segment opens at its next key frame, in the same timeline.
        let later = try fixtureTags("av-640x360-30fps.flv").filter { ($0.type == 8 || $0.type == 9) && $0.timestamp >= 3000 }
        for tag in later { try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload)) }
        finish(publisher)
        let all = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam")
        #expect(all.count >= 2)
        let final = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(!final.contains("#EXT-X-DISCONTINUITY") && final.hasSuffix("#EXT-X-ENDLIST\n"))
    }
}
