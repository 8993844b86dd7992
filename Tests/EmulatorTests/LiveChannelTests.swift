import Foundation
import LiveIngest
import OSSProtocol
import Storage
import Testing
@testable import Emulator

private let minimalConfiguration = "<LiveChannelConfiguration><Target><Type>HLS</Type><PlaylistName>p.m3u8</PlaylistName></Target></LiveChannelConfiguration>".bytes

@Suite struct LiveChannelTests {
    func makeChannel(_ test: TestEmulator, bucket: String = "bkt", channel: String = "cam") async throws {
        let made = try await test.send("PUT", bucket: bucket)
        #expect(made.status == 200, "\(made.text) \(made.headers)")
        let created = try await test.send("PUT", bucket: bucket, key: channel, query: [QueryItem(name: "live", value: nil)], body: minimalConfiguration)
        #expect(created.status == 200, "\(created.text)")
    }

    /// Writes a segment object with its index attributes, as ingest does.
    func writeSegment(_ test: TestEmulator, bucket: String = "bkt", channel: String = "cam", startMs: Int64, durationMs: Int64, push: String) throws {
        var metadata = ObjectMetadata(contentType: "video/MP2T")
        metadata.attributes = SegmentIndex.attributes(startMilliseconds: startMs, durationMilliseconds: durationMs, push: push)
        _ = try test.emulator.store!.putObject(bucket: bucket, key: "\(channel)/\(startMs).ts", bytes: [0x47], metadata: metadata)
    }

    @Test func vodPlaylistSpansPushesWithDiscontinuities() async throws {
        let test = try TestEmulator()
        try await makeChannel(test)
        let base: Int64 = 1_700_000_000_000
        try writeSegment(test, startMs: base, durationMs: 5005, push: "p1")
        try writeSegment(test, startMs: base + 5005, durationMs: 4971, push: "p1")
        try writeSegment(test, startMs: base + 60_000, durationMs: 2000, push: "p2")
        try writeSegment(test, startMs: base + 7_200_000, durationMs: 5000, push: "p3")  // outside the range
        let query = [QueryItem(name: "vod", value: nil), QueryItem(name: "startTime", value: "1700000000"),
                     QueryItem(name: "endTime", value: "1700003600")]

        let got = try await test.send("GET", bucket: "bkt", key: "cam", query: query)
        #expect(got.status == 200)
        #expect(got.header("Content-Type") == "application/x-mpegURL")
        #expect(got.text == """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:6
            #EXT-X-MEDIA-SEQUENCE:0
            #EXTINF:5.005,
            1700000000000.ts
            #EXTINF:4.971,
            1700000005005.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:2.000,
            1700000060000.ts
            #EXT-X-ENDLIST

            """)

        let posted = try await test.send("POST", bucket: "bkt", key: "cam/vod.m3u8", query: query)
        #expect(posted.status == 200)
        let stored = try test.emulator.store!.objectInfo(bucket: "bkt", key: "cam/vod.m3u8")
        #expect(posted.header("ETag") == "\"\(stored.etag)\"")
        #expect(try test.emulator.store!.readObject(bucket: "bkt", key: "cam/vod.m3u8") == got.body)
    }

    @Test func deletedSegmentsLeaveTheIndex() async throws {
        let test = try TestEmulator()
        try await makeChannel(test)
        try writeSegment(test, startMs: 1_700_000_000_000, durationMs: 5000, push: "p1")
        try test.emulator.store!.deleteObject(bucket: "bkt", key: "cam/1700000000000.ts")
        let query = [QueryItem(name: "vod", value: nil), QueryItem(name: "startTime", value: "1700000000"),
                     QueryItem(name: "endTime", value: "1700000100")]
        let got = try await test.send("GET", bucket: "bkt", key: "cam", query: query)
        #expect(got.status == 400)
        #expect(got.text.contains("No ts file found in specified time span."))
    }

    @Test func liveChannelRefusesChangesAndReportsStat() async throws {
        let test = try TestEmulator()
        try await makeChannel(test)
        let registry = test.emulator.channels!
        let kicked = KickCounter()
        let lease = try registry.beginPublish(
            bucket: "bkt", name: "cam", remoteAddr: "192.0.2.10:50123", now: 1_709_625_600,
            kick: { kicked.increment() },
            stats: { (LiveVideoStat(width: 640, height: 360, frameRate: 30, bandwidth: 50_000), LiveAudioStat(bandwidth: 8000, sampleRate: 44100)) })

        let stat = try await test.send("GET", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil), QueryItem(name: "comp", value: "stat")])
        #expect(stat.text.contains("<Status>Live</Status><ConnectedTime>2024-03-05T08:00:00.000Z</ConnectedTime><RemoteAddr>192.0.2.10:50123</RemoteAddr>"))
        #expect(stat.text.contains("<Width>640</Width><Height>360</Height><FrameRate>30</FrameRate>"))

        let recreate = try await test.send("PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)], body: minimalConfiguration)
        #expect(recreate.status == 409 && recreate.text.contains("<Code>ChannelStillLive</Code>"))
        let delete = try await test.send("DELETE", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)])
        #expect(delete.status == 409)

        #expect(throws: OSSError.channelStillLive("cam")) {
            _ = try registry.beginPublish(bucket: "bkt", name: "cam", remoteAddr: "x", now: 0, kick: {}, stats: { (nil, nil) })
        }

        let disable = try await test.send("PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil), QueryItem(name: "status", value: "disabled")])
        #expect(disable.status == 200)
        #expect(kicked.value == 1)

        registry.endPublish(lease, now: 1_709_625_700)
        let history = try await test.send("GET", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil), QueryItem(name: "comp", value: "history")])
        #expect(history.text.contains("<LiveRecord><StartTime>2024-03-05T08:00:00.000Z</StartTime><EndTime>2024-03-05T08:01:40.000Z</EndTime><RemoteAddr>192.0.2.10:50123</RemoteAddr></LiveRecord>"))
        #expect(throws: OSSError.liveChannelDisabled("cam")) {
            _ = try registry.beginPublish(bucket: "bkt", name: "cam", remoteAddr: "x", now: 0, kick: {}, stats: { (nil, nil) })
        }
    }

    @Test func historyKeepsTheTenNewestPushes() throws {
        let test = try TestEmulator()
        _ = try test.emulator.store!.createBucket("bkt", acl: .private)
        let registry = test.emulator.channels!
        _ = try registry.put(bucket: "bkt", name: "cam", configuration: LiveChannelConfiguration(), now: 0)
        for push in 0..<12 {
            let lease = try registry.beginPublish(bucket: "bkt", name: "cam", remoteAddr: "r\(push)", now: Int64(push * 100), kick: {}, stats: { (nil, nil) })
            registry.endPublish(lease, now: Int64(push * 100 + 50))
        }
        let history = try registry.record(bucket: "bkt", name: "cam").history
        #expect(history.count == ChannelRegistry.historyLimit)
        #expect(history.first?.remoteAddr == "r2")
        #expect(history.last?.remoteAddr == "r11")
    }

    @Test func restartClosesAPushThatWasLiveWhenTheProcessDied() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emu-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let first = try TestEmulator(clock: { 1_000_000 }, dataDirectory: directory)
            _ = try first.emulator.store!.createBucket("bkt", acl: .private)
            _ = try first.emulator.channels!.put(bucket: "bkt", name: "cam", configuration: LiveChannelConfiguration(), now: 1000)
            _ = try first.emulator.channels!.beginPublish(bucket: "bkt", name: "cam", remoteAddr: "198.51.100.1:1", now: 1000, kick: {}, stats: { (nil, nil) })
            // No endPublish: the process "dies" with the push open.
            first.emulator.stop()
        }
        let second = try TestEmulator(clock: { 2_000_000 }, dataDirectory: directory)
        let registry = second.emulator.channels!
        #expect(try registry.liveStatus(bucket: "bkt", name: "cam") == .idle)
        #expect(try registry.record(bucket: "bkt", name: "cam").history == [LiveRecord(startTime: 1000, endTime: 2000, remoteAddr: "198.51.100.1:1")])
    }

    @Test func listingThousandsOfChannelsPageByPage() throws {
        let test = try TestEmulator()
        _ = try test.emulator.store!.createBucket("many", acl: .private)
        let registry = test.emulator.channels!
        let names = (0..<2_000).map { String(format: "ch-%05d", $0) }
        for name in names.shuffled() {
            _ = try registry.put(bucket: "many", name: name, configuration: LiveChannelConfiguration(), now: 0)
        }
        var seen: [String] = []
        var marker = ""
        while true {
            let page = registry.list(bucket: "many", prefix: "ch-", marker: marker, maxKeys: 333)
            seen += page.records.map(\.name)
            guard page.isTruncated, let last = page.records.last else { break }
            marker = last.name
        }
        #expect(seen == names)
    }
}

final class KickCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
