import Foundation
import Testing
@testable import RTMP

/// FLV tags as the server session reported them.
struct ReceivedStream {
    var audio: [FLVTag] = []
    var video: [FLVTag] = []
    var data: [DataMessage] = []
    var requests: [PublishRequest] = []
    var ends: [PublishEndReason] = []

    init(_ events: [ServerEvent]) {
        for event in events {
            switch event {
            case .audio(let m): audio.append(FLVTag(type: 8, timestamp: m.timestamp, body: m.payload))
            case .video(let m): video.append(FLVTag(type: 9, timestamp: m.timestamp, body: m.payload))
            case .data(let d): data.append(d)
            case .publishRequested(let r): requests.append(r)
            case .publishEnded(let e): ends.append(e)
            case .connected: break
            }
        }
    }
}

/// The AVC end-of-sequence message FFmpeg's FLV muxer sends at the end.
let avcEndOfSequence: [UInt8] = [0x17, 0x02, 0x00, 0x00, 0x00]

/// Checks that what arrived is the fixture: every audio and video tag with
/// its timestamp and body, in order per track.
func expectStream(_ received: ReceivedStream, matches fixture: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws
{
    try expectStream(received, matches: FLVTestReader.tags(of: fixtureURL(fixture)), name: fixture,
                     sourceLocation: sourceLocation)
}

func expectStream(_ received: ReceivedStream, matches tags: [FLVTag], name fixture: String,
                  sourceLocation: SourceLocation = #_sourceLocation)
{
    // The fixtures were written by FFmpeg's FLV muxer, so they end with the
    // same AVC end-of-sequence tag FFmpeg sends when it stops.
    let video = received.video
    let expectedAudio = tags.filter { $0.type == 8 }
    let expectedVideo = tags.filter { $0.type == 9 }
    #expect(received.audio.count == expectedAudio.count, "\(fixture) audio count", sourceLocation: sourceLocation)
    #expect(video.count == expectedVideo.count, "\(fixture) video count", sourceLocation: sourceLocation)
    #expect(firstDifference(received.audio, expectedAudio) == nil, "\(fixture) audio", sourceLocation: sourceLocation)
    #expect(firstDifference(video, expectedVideo) == nil, "\(fixture) video", sourceLocation: sourceLocation)
    #expect(received.data.map(\.name) == ["onMetaData"], sourceLocation: sourceLocation)
}

/// Where two tag lists first differ, described briefly; nil when equal.
func firstDifference(_ got: [FLVTag], _ expected: [FLVTag]) -> String? {
    for index in 0..<max(got.count, expected.count) {
        let a = index < got.count ? got[index] : nil
        let b = index < expected.count ? expected[index] : nil
        if a != b {
            func describe(_ tag: FLVTag?) -> String {
                tag.map { "ts \($0.timestamp), \($0.body.count) bytes, head \($0.body.prefix(6).map { String($0) })" } ?? "none"
            }
            return "tag \(index): got \(describe(a)), expected \(describe(b))"
        }
    }
    return nil
}

let ffmpegPath = "/usr/bin/ffmpeg"
let replayFixture = "baseline-480x270-29.97fps.flv"
let replayVector = "ffmpeg-5.1-publish-baseline.bin"

@Suite(.serialized) struct FFmpegPublishTests {
    static let fixtures = [
        "av-640x360-30fps.flv", "video-only-320x240-25fps.flv", "audio-only-48k-mono.flv",
        "baseline-480x270-29.97fps.flv", "high-1920x1080-24fps.flv",
    ]

    /// Runs ffmpeg against the loopback server and returns what the session saw.
    static func publish(_ fixture: String, path: String, extraOutputOptions: [String] = []) throws
        -> (LoopbackServer.Result, Int32, String)
    {
        let server = try LoopbackServer()
        let url = "rtmp://127.0.0.1:\(server.port)\(path)"
        var result = LoopbackServer.Result()
        let (status, stderr) = try run(
            ffmpegPath,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", fixtureURL(fixture).path, "-c", "copy",
             "-f", "flv"] + extraOutputOptions + [url],
            timeout: .seconds(30)
        ) {
            result = server.serveOne(timeout: .seconds(20))
        }
        return (result, status, stderr)
    }

    @Test(arguments: fixtures)
    func ffmpegPublishesEveryTag(_ fixture: String) throws {
        let name = "ch?playlistName=x.m3u8&Expires=123"
        let (result, status, stderr) = try Self.publish(fixture, path: "/live/" + name)
        #expect(status == 0, "ffmpeg failed: \(stderr)")
        #expect(!result.timedOut)
        // FFmpeg signs C1 (base 8 scheme); the server answers in digest form.
        #expect(result.handshakeMode == .digest(.base8))
        let received = ReceivedStream(result.events)
        #expect(received.requests.count == 1)
        #expect(received.requests.first?.app == "live")
        #expect(received.requests.first?.streamName == name)
        #expect(received.requests.first?.publishType == "live")
        #expect(received.ends.first.map { [$0] } == [.unpublished(command: "FCUnpublish")])
        if received.video.isEmpty == false {
            #expect(received.video.last?.body == avcEndOfSequence)
        }
        try expectStream(received, matches: fixture)

        if fixture == replayFixture, ProcessInfo.processInfo.environment["RTMP_RECORD_VECTORS"] == "1" {
            try Data(result.clientBytes).write(to: vectorsDirectory.appendingPathComponent(replayVector))
        }
    }

    /// `-output_ts_offset 20000` moves media timestamps past 0xFFFFFF ms, so
    /// FFmpeg writes extended timestamps, repeats them in fmt 3 chunks and
    /// starts messages with fmt 3 + a new extended delta (media-pipeline.md
    /// §2.3). The reference is FFmpeg's own FLV file made with the same option.
    @Test func extendedTimestampsFromFFmpeg() throws {
        let fixture = "av-640x360-30fps.flv"
        let options = ["-output_ts_offset", "20000"]
        let reference = FileManager.default.temporaryDirectory
            .appendingPathComponent("rtmp-offset-\(ProcessInfo.processInfo.processIdentifier).flv")
        defer { try? FileManager.default.removeItem(at: reference) }
        let (fileStatus, fileErrors) = try run(
            ffmpegPath,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", fixtureURL(fixture).path, "-c", "copy",
             "-f", "flv"] + options + [reference.path],
            timeout: .seconds(30)) {}
        #expect(fileStatus == 0, "ffmpeg failed: \(fileErrors)")
        let tags = try FLVTestReader.tags(of: reference)
        #expect(tags.contains { $0.timestamp > 0xFF_FFFF })

        let (result, status, stderr) = try Self.publish(fixture, path: "/live/ch", extraOutputOptions: options)
        #expect(status == 0, "ffmpeg failed: \(stderr)")
        let received = ReceivedStream(result.events)
        #expect(received.video.filter { $0.timestamp > 0xFF_FFFF }.count > 100)
        expectStream(received, matches: tags, name: fixture + " with offset")
    }

    /// A signature with `/` in the query. FFmpeg 5.1 takes the first two
    /// path segments as app whenever the path has three or more, without
    /// looking at `?`: with a bucket prefix the query stays whole in the
    /// name; without one, part of the query moves into app and tcUrl. Joining
    /// `app + "/" + name` gives the path back in both cases.
    @Test(arguments: [
        ("/bucket/live/ch?playlistName=x.m3u8&Expires=1&Signature=a/b%2Bc",
         "bucket/live", "ch?playlistName=x.m3u8&Expires=1&Signature=a/b%2Bc"),
        ("/live/ch?playlistName=x.m3u8&Expires=1&Signature=a/b%2Bc",
         "live/ch?playlistName=x.m3u8&Expires=1&Signature=a", "b%2Bc"),
    ])
    func slashInsideTheQuery(_ path: String, _ app: String, _ name: String) throws {
        let (result, status, stderr) = try Self.publish("audio-only-48k-mono.flv", path: path)
        #expect(status == 0, "ffmpeg failed: \(stderr)")
        let request = try #require(ReceivedStream(result.events).requests.first)
        #expect(request.app == app)
        #expect(request.streamName == name)
        #expect(request.tcUrl == "rtmp://127.0.0.1:\(request.tcUrl.flatMap { URLComponents(string: $0)?.port } ?? 0)/\(app)")
        #expect("/" + request.app + "/" + request.streamName == path)
    }
}
