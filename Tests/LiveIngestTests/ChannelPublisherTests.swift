import Dispatch
import Foundation
import Locking
import MediaFormats
import Storage
import Testing
@testable import LiveIngest

/// A temporary store with one bucket, removed at deinit.
final class TemporaryStore {
    let directory: String
    let store: ObjectStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)").path
        store = try ObjectStore(root: directory)
        _ = try store.createBucket("bkt", acl: .private)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

func fixtureTags(_ name: String) throws -> [FLVTag] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("fixtures").appendingPathComponent(name)))
    var reader = try FLVFileReader(bytes: bytes)
    var tags: [FLVTag] = []
    while let tag = try reader.next() { tags.append(tag) }
    return tags
}

final class EventLog: Sendable {
    private let events = Locked<[IngestEvent]>([])
    func append(_ event: IngestEvent) { events.withLock { $0.append(event) } }
    var all: [IngestEvent] { events.withLock { $0 } }
}

@Suite struct ChannelPublisherTests {
    let writer = DispatchQueue(label: "test.writer")

    func publish(_ fixture: String, into temp: TemporaryStore, push: String, fragDuration: Int = 2, fragCount: Int = 3,
                 timelines: ChannelTimelines = ChannelTimelines(), namer: SegmentNamer = SegmentNamer(),
                 clock: @escaping @Sendable () -> Int64 = { 1_700_000_000_000 }, log: EventLog = EventLog()) throws -> ChannelPublisher {
        let configuration = PushConfiguration(bucket: "bkt", channel: "cam", playlistName: "playlist.m3u8",
                                              fragDuration: fragDuration, fragCount: fragCount, pushId: push)
        let publisher = ChannelPublisher(
            configuration: configuration, store: temp.store, writer: writer, namer: namer, timelines: timelines,
            wallClock: clock, monotonicMilliseconds: { 0 }, onEvent: { log.append($0) })
        for tag in try fixtureTags(fixture) where tag.type == 8 || tag.type == 9 {
            try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
        }
        let done = DispatchSemaphore(value: 0)
        publisher.finish { done.signal() }
        done.wait()
        return publisher
    }

    @Test func writesSegmentsIndexAndAnEndedPlaylist() throws {
        let temp = try TemporaryStore()
        let log = EventLog()
        let publisher = try publish("av-640x360-30fps.flv", into: temp, push: "p1", log: log)
        let segments = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam")
        // 6 s with a 2 s GOP and FragDuration 2: cuts at 2 s and 4 s; the
        // last segment is as long as its longest track, the audio (4.014 s
        // to 6.081 s).
        #expect(segments.map(\.durationMilliseconds) == [2000, 2000, 2067])
        #expect(segments.allSatisfy { $0.push == "p1" && $0.continuityAfter?.nextDTS != nil })
        let names = segments.map(\.startMilliseconds)
        #expect(names == names.sorted() && Set(names).count == names.count)
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(playlist.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(playlist.components(separatedBy: ".ts").count - 1 == 3)
        #expect(!playlist.contains("DISCONTINUITY"))
        #expect(try temp.store.objectInfo(bucket: "bkt", key: "cam/playlist.m3u8").metadata.contentType == "application/x-mpegURL")
        let stats = publisher.stats
        #expect(stats.video?.width == 640 && stats.video?.height == 360 && stats.video?.frameRate == 30)
        #expect(stats.audio?.sampleRate == 44100)
        #expect(log.all.filter { if case .segmentWritten = $0 { true } else { false } }.count == 3)
    }

    @Test func aSecondPushContinuesTheTimelineAfterADiscontinuity() throws {
        let temp = try TemporaryStore()
        let timelines = ChannelTimelines()
        let namer = SegmentNamer()
        _ = try publish("av-640x360-30fps.flv", into: temp, push: "p1", fragCount: 10, timelines: timelines, namer: namer)
        let firstEnd = try #require(try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam").last?.continuityAfter?.nextDTS)
        _ = try publish("av-640x360-30fps.flv", into: temp, push: "p2", fragCount: 10, timelines: timelines, namer: namer)
        let all = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam")
        #expect(all.count == 6)
        #expect(Set(all.map(\.startMilliseconds)).count == 6)  // same wall clock, still unique names
        let secondEnd = try #require(all.last?.continuityAfter?.nextDTS)
        #expect(secondEnd > firstEnd + 6 * 90_000 - 1)
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(playlist.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2)
        #expect(playlist.hasSuffix("#EXT-X-ENDLIST\n"))
    }

    @Test func afterARestartTheTimelineComesFromTheIndex() throws {
        let temp = try TemporaryStore()
        _ = try publish("av-640x360-30fps.flv", into: temp, push: "p1")
        let last = try #require(try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam").last)
        let configuration = PushConfiguration(bucket: "bkt", channel: "cam", playlistName: "playlist.m3u8", fragDuration: 2, fragCount: 3, pushId: "p2")
        let start = ChannelPublisher.timelineStart(configuration, store: temp.store, timelines: ChannelTimelines())
        #expect(start == (try #require(last.continuityAfter)))
        #expect(start.nextDTS! > 6 * 90_000)
    }

    @Test func theLiveWindowKeepsFragCountSegments() throws {
        let temp = try TemporaryStore()
        _ = try publish("av-640x360-30fps.flv", into: temp, push: "p1", fragDuration: 1, fragCount: 2)
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/playlist.m3u8"), as: UTF8.self)
        #expect(playlist.components(separatedBy: "#EXTINF").count - 1 == 2)
        #expect(playlist.contains("#EXT-X-MEDIA-SEQUENCE:1\n"))
    }

    @Test func finalizingAnInterruptedPushEndsThePlaylist() throws {
        let temp = try TemporaryStore()
        var metadata = ObjectMetadata(contentType: "video/MP2T")
        metadata.attributes = SegmentIndex.attributes(startMilliseconds: 1000, durationMilliseconds: 2000, push: "p1")
        _ = try temp.store.putObject(bucket: "bkt", key: "cam/1000.ts", bytes: [0x47], metadata: metadata)
        let configuration = PushConfiguration(bucket: "bkt", channel: "cam", playlistName: "live.m3u8", fragDuration: 2, fragCount: 3, pushId: "")
        try ChannelPublisher.finalizePlaylist(configuration, store: temp.store, namer: SegmentNamer())
        let playlist = String(decoding: try temp.store.readObject(bucket: "bkt", key: "cam/live.m3u8"), as: UTF8.self)
        #expect(playlist.contains("1000.ts\n#EXT-X-ENDLIST\n"))
    }

    @Test func videoThatIsNotH264IsRefused() throws {
        let temp = try TemporaryStore()
        let configuration = PushConfiguration(bucket: "bkt", channel: "cam", playlistName: "playlist.m3u8", fragDuration: 2, fragCount: 3, pushId: "p")
        let publisher = ChannelPublisher(configuration: configuration, store: temp.store, writer: writer, namer: SegmentNamer(),
                                         timelines: ChannelTimelines(), wallClock: { 0 }, monotonicMilliseconds: { 0 })
        // FLV video tag: key frame, codec id 2 (Sorenson H.263).
        #expect(throws: HLSRemuxerError.self) { try publisher.push(tagType: 9, timestamp: 0, payload: [0x12, 0, 0, 0]) }
    }
}

@Suite struct SmallPiecesTests {
    @Test func segmentNamesStrictlyIncreasePerChannel() {
        let namer = SegmentNamer()
        #expect(namer.next(bucket: "b", channel: "c", now: 100) == 100)
        #expect(namer.next(bucket: "b", channel: "c", now: 100) == 101)
        #expect(namer.next(bucket: "b", channel: "c", now: 50) == 102)
        #expect(namer.next(bucket: "b", channel: "other", now: 50) == 50)
        namer.observe(bucket: "b", channel: "other", name: 500)
        #expect(namer.next(bucket: "b", channel: "other", now: 60) == 501)
    }

    @Test func rateMeterAveragesWholeSeconds() {
        var meter = RateMeter()
        #expect(meter.bytesPerSecond(nowMilliseconds: 0) == 0)
        for second in 0..<10 {
            meter.add(1000, nowMilliseconds: Int64(second) * 1000 + 10)
            meter.add(1000, nowMilliseconds: Int64(second) * 1000 + 500)
        }
        #expect(meter.bytesPerSecond(nowMilliseconds: 10_000) == 2000)
        // Silence empties the window.
        #expect(meter.bytesPerSecond(nowMilliseconds: 30_000) == 0)
    }

    @Test func vodEntriesMarkEachNewPush() {
        let records = [
            SegmentRecord(key: "c/1.ts", startMilliseconds: 1, durationMilliseconds: 1000, push: "a"),
            SegmentRecord(key: "c/2.ts", startMilliseconds: 2, durationMilliseconds: 1000, push: "a"),
            SegmentRecord(key: "c/3.ts", startMilliseconds: 3, durationMilliseconds: 1000, push: "b"),
        ]
        #expect(SegmentIndex.entries(records).map(\.discontinuityBefore) == [false, false, true])
        #expect(SegmentIndex.entries(records).map(\.uri) == ["1.ts", "2.ts", "3.ts"])
    }
}
