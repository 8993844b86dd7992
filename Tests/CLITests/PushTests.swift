import Foundation
import Logging
import MediaFormats
import Synchronization
import Testing
@testable import oss_live_emulator

private let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures")

@Suite struct PublishURLTests {
    @Test func splitsLikeFFmpeg() throws {
        let url = try PublishURL(parsing: "rtmp://127.0.0.1:1935/demo/live/cam?playlistName=a.m3u8&Signature=x%2Fy/z")
        #expect(url == PublishURL(host: "127.0.0.1", port: 1935, app: "demo/live",
                                  streamName: "cam?playlistName=a.m3u8&Signature=x%2Fy/z"))
        #expect(url.tcUrl == "rtmp://127.0.0.1:1935/demo/live")
        #expect(url.redacted == "rtmp://127.0.0.1:1935/demo/live/cam?…")
    }

    @Test func defaultPortAndIPv6() throws {
        let plain = try PublishURL(parsing: "RTMP://bucket.oss-cn-hangzhou.aliyuncs.com/live/ch")
        #expect(plain == PublishURL(host: "bucket.oss-cn-hangzhou.aliyuncs.com", port: 1935, app: "live", streamName: "ch"))
        let v6 = try PublishURL(parsing: "rtmp://[::1]:19350/b/live/c")
        #expect(v6 == PublishURL(host: "::1", port: 19350, app: "b/live", streamName: "c"))
        #expect(v6.tcUrl == "rtmp://[::1]:19350/b/live")
    }

    @Test func refusesWhatCannotBePublishedTo() {
        #expect(throws: PublishURL.Failure.notRTMP("http")) { try PublishURL(parsing: "http://h/a/b") }
        #expect(throws: PublishURL.Failure.notRTMP("nothing")) { try PublishURL(parsing: "nothing") }
        #expect(throws: PublishURL.Failure.missingHost) { try PublishURL(parsing: "rtmp:///a/b") }
        #expect(throws: PublishURL.Failure.badPort("0")) { try PublishURL(parsing: "rtmp://h:0/a/b") }
        #expect(throws: PublishURL.Failure.badPort("99999")) { try PublishURL(parsing: "rtmp://h:99999/a/b") }
        #expect(throws: PublishURL.Failure.missingStreamName) { try PublishURL(parsing: "rtmp://h/onlyapp") }
        #expect(throws: PublishURL.Failure.missingStreamName) { try PublishURL(parsing: "rtmp://h/app/") }
    }

    @Test func expandsTheStreamNumber() {
        #expect(PublishURL.expand("rtmp://h/b/live/c{n}?x={n}", number: 7) == "rtmp://h/b/live/c7?x=7")
    }
}

@Suite struct PushMediaTests {
    @Test func loopSpanFollowsTheLongestTrack() throws {
        // Baseline 29.97 fps video with 22.05 kHz AAC (1024-sample frames, about 46 ms).
        let bytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("baseline-480x270-29.97fps.flv")))
        let media = try PushMedia(flv: bytes)
        let lastAudio = try #require(media.tags.last { $0.type == .audio && !$0.isSetup }).time
        let lastVideo = try #require(media.tags.last { $0.type == .video && !$0.isSetup }).time
        #expect(media.loopSpan > lastAudio && media.loopSpan > lastVideo)
        // One frame past the end, not more: within an audio frame of the last tag.
        #expect(media.loopSpan - max(lastAudio, lastVideo) <= 47)
        #expect(media.tags.first?.time == 0)
        // Metadata and both sequence headers are set-up tags, sent once per connection.
        #expect(media.tags.filter(\.isSetup).map(\.type) == [.script, .video, .audio])
    }

    @Test func refusesFilesWithoutMedia() {
        #expect(throws: (any Error).self) { try PushMedia(flv: Array("not flv".utf8)) }
        // A header and PreviousTagSize0 only.
        let empty: [UInt8] = [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]
        #expect(throws: (any Error).self) { try PushMedia(flv: empty) }
    }
}

@Suite struct JSONLogHandlerTests {
    @Test func oneParsableObjectPerLineWithMetadata() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "test") { line in lines.withLock { $0.append(line) } }
        handler.metadata = ["level": "clash", "count": .stringConvertible(42)]
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .trace
        logger.info("quote \" backslash \\ newline \n tab \t bell \u{07} ключ", metadata: ["list": ["a", "b"]])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} ключ")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "test")
        #expect(object["meta_level"] as? String == "clash")
        #expect(object["count"] as? Int == 42)
        #expect(object["list"] as? [String] == ["a", "b"])
        let time = try #require(object["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"))
    }
}
