import Testing
@testable import OSSProtocol

@Suite struct LiveChannelXMLTests {
    @Test func createResultMatchesSpec() {
        #expect(text(LiveChannelXML.createResult(publishURL: "rtmp://demo-bucket.localhost:9000/live/cam1",
                                                 playURL: "http://demo-bucket.localhost:9000/cam1/playlist.m3u8"))
            == declaration + "<CreateLiveChannelResult><PublishUrls><Url>rtmp://demo-bucket.localhost:9000/live/cam1</Url></PublishUrls>"
            + "<PlayUrls><Url>http://demo-bucket.localhost:9000/cam1/playlist.m3u8</Url></PlayUrls></CreateLiveChannelResult>")
    }

    @Test func listMatchesSpecExample() {
        let channel = LiveChannelSummary(name: "cam1", description: "lobby camera", status: .enabled, lastModified: 1_709_625_600,
                                         publishURL: "rtmp://demo-bucket.localhost:9000/live/cam1",
                                         playURL: "http://demo-bucket.localhost:9000/cam1/playlist.m3u8")
        let body = LiveChannelXML.list(prefix: "cam", marker: "", maxKeys: 1, isTruncated: true, nextMarker: "cam1", channels: [channel])
        #expect(text(body) == declaration + "<ListLiveChannelResult><Prefix>cam</Prefix><Marker></Marker><MaxKeys>1</MaxKeys>"
            + "<IsTruncated>true</IsTruncated><NextMarker>cam1</NextMarker><LiveChannel><Name>cam1</Name>"
            + "<Description>lobby camera</Description><Status>enabled</Status><LastModified>2024-03-05T08:00:00.000Z</LastModified>"
            + "<PublishUrls><Url>rtmp://demo-bucket.localhost:9000/live/cam1</Url></PublishUrls>"
            + "<PlayUrls><Url>http://demo-bucket.localhost:9000/cam1/playlist.m3u8</Url></PlayUrls></LiveChannel></ListLiveChannelResult>")
    }

    @Test func emptyListHasTheFourLeadingElements() throws {
        let root = try XMLDocument.parse(LiveChannelXML.list(prefix: "", marker: "", maxKeys: 100, isTruncated: false,
                                                             nextMarker: "ignored", channels: []))
        #expect(root.children.map(\.name) == ["Prefix", "Marker", "MaxKeys", "IsTruncated", "NextMarker"])
        #expect(root.text(of: "MaxKeys") == "100")
        #expect(root.text(of: "IsTruncated") == "false")
        #expect(root.text(of: "NextMarker") == "")
    }

    @Test func statIdleAndDisabledCarryOnlyStatus() {
        for status in [PushflowStatus.idle, .disabled] {
            // Even with stale connection data, nothing but Status (empty ConnectedTime breaks Go and Java).
            let stat = LiveChannelStatXML(status: status, connectedTime: 1, remoteAddr: "x",
                                          video: LiveVideoStat(width: 1, height: 1, frameRate: 1, bandwidth: 1))
            #expect(text(LiveChannelXML.stat(stat)) == declaration + "<LiveChannelStat><Status>\(status.rawValue)</Status></LiveChannelStat>")
        }
    }

    @Test func statLiveMatchesSpecExample() {
        let stat = LiveChannelStatXML(status: .live, connectedTime: 1_709_625_600, remoteAddr: "192.0.2.10:50123",
                                      video: LiveVideoStat(width: 1280, height: 720, frameRate: 30, bandwidth: 250_000),
                                      audio: LiveAudioStat(bandwidth: 16_000, sampleRate: 44_100))
        #expect(text(LiveChannelXML.stat(stat)) == declaration + "<LiveChannelStat><Status>Live</Status>"
            + "<ConnectedTime>2024-03-05T08:00:00.000Z</ConnectedTime><RemoteAddr>192.0.2.10:50123</RemoteAddr>"
            + "<Video><Width>1280</Width><Height>720</Height><FrameRate>30</FrameRate><Bandwidth>250000</Bandwidth><Codec>H264</Codec></Video>"
            + "<Audio><Bandwidth>16000</Bandwidth><SampleRate>44100</SampleRate><Codec>AAC</Codec></Audio></LiveChannelStat>")
        let noMedia = LiveChannelStatXML(status: .live, connectedTime: 0, remoteAddr: "127.0.0.1:1")
        #expect(!text(LiveChannelXML.stat(noMedia)).contains("<Video>"))
        #expect(!text(LiveChannelXML.stat(noMedia)).contains("<Audio>"))
    }

    @Test func historyKeepsTheLastTenOldestFirst() throws {
        #expect(text(LiveChannelXML.history([])) == declaration + "<LiveChannelHistory></LiveChannelHistory>")
        let one = LiveRecord(startTime: 1_709_622_000, endTime: 1_709_623_812, remoteAddr: "192.0.2.10:50123")
        #expect(text(LiveChannelXML.history([one])) == declaration + "<LiveChannelHistory><LiveRecord>"
            + "<StartTime>2024-03-05T07:00:00.000Z</StartTime><EndTime>2024-03-05T07:30:12.000Z</EndTime>"
            + "<RemoteAddr>192.0.2.10:50123</RemoteAddr></LiveRecord></LiveChannelHistory>")
        let many = (0..<12).map { LiveRecord(startTime: Int64($0) * 100, endTime: Int64($0) * 100 + 50, remoteAddr: "a:\($0)") }
        let root = try XMLDocument.parse(LiveChannelXML.history(many))
        let records = root.children("LiveRecord")
        #expect(records.count == LiveChannelXML.maxHistoryRecords)
        #expect(records.first?.text(of: "RemoteAddr") == "a:2")
        #expect(records.last?.text(of: "RemoteAddr") == "a:11")
    }

    @Test func urlsPerStyle() {
        let path = LiveChannelURLs.make(bucket: "bkt", channel: "cam 1", playlistName: "p.m3u8", requestHost: "127.0.0.1:9000",
                                        addressing: .path, style: .reachable)
        #expect(path == LiveChannelURLs(publishURL: "rtmp://127.0.0.1:9000/bkt/live/cam 1", playURL: "http://127.0.0.1:9000/bkt/cam 1/p.m3u8"))
        let oss = LiveChannelURLs.make(bucket: "bkt", channel: "cam1", playlistName: "playlist.m3u8", requestHost: "127.0.0.1:9000",
                                       addressing: .path, style: .oss)
        #expect(oss == LiveChannelURLs(publishURL: "rtmp://bkt.127.0.0.1:9000/live/cam1", playURL: "http://bkt.127.0.0.1:9000/cam1/playlist.m3u8"))
        let goLocalhost = LiveChannelURLs.make(bucket: "bkt", channel: "cam1", playlistName: "p.m3u8", requestHost: "bkt.localhost:9000",
                                               addressing: .virtualHosted, style: .reachable)
        #expect(goLocalhost == LiveChannelURLs(publishURL: "rtmp://localhost:9000/bkt/live/cam1", playURL: "http://localhost:9000/bkt/cam1/p.m3u8"))
        let goLocalhostOSS = LiveChannelURLs.make(bucket: "bkt", channel: "cam1", playlistName: "p.m3u8", requestHost: "bkt.localhost:9000",
                                                  addressing: .virtualHosted, style: .oss)
        #expect(goLocalhostOSS.publishURL == "rtmp://bkt.localhost:9000/live/cam1")
        for style in [LiveChannelURLStyle.reachable, .oss] {
            let vhost = LiveChannelURLs.make(bucket: "bkt", channel: "cam1", playlistName: "playlist.m3u8",
                                             requestHost: "bkt.oss.local:9000", addressing: .virtualHosted, style: style)
            #expect(vhost == LiveChannelURLs(publishURL: "rtmp://bkt.oss.local:9000/live/cam1", playURL: "http://bkt.oss.local:9000/cam1/playlist.m3u8"))
        }
    }
}

@Suite struct LiveChannelRequestTests {
    func query(_ raw: String) throws -> [QueryItem] { try #require(QueryItem.parse(raw[...])) }

    @Test func listParameters() throws {
        let python = try ListLiveChannelRequest(query: query("live=&prefix=&marker=&max-keys=100"))
        #expect(python == ListLiveChannelRequest(prefix: "", marker: "", maxKeys: 100))
        let go = try ListLiveChannelRequest(query: query("live&marker&max-keys=5&prefix=p%2Fx"))
        #expect(go == ListLiveChannelRequest(prefix: "p/x", marker: "", maxKeys: 5))
        #expect(try ListLiveChannelRequest(query: query("live")).maxKeys == ListLiveChannelRequest.defaultMaxKeys)
        #expect(try ListLiveChannelRequest(query: query("max-keys=1000")).maxKeys == ListLiveChannelRequest.maxMaxKeys)
        #expect(try ListLiveChannelRequest(query: query("prefix=" + String(repeating: "p", count: 1024))).prefix.utf8.count == 1024)
        for bad in ["max-keys=-1", "max-keys=0", "max-keys=1001", "max-keys=ten",
                    "prefix=" + String(repeating: "p", count: ListLiveChannelRequest.maxPrefixBytes + 1)] {
            let items = try query(bad)
            let error = expectOSSError { () throws(OSSError) in try ListLiveChannelRequest(query: items) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad.prefix(20))")
        }
    }

    @Test func vodTimes() throws {
        let ok = try VodRequest.parseTimes(query: query("vod&startTime=1700000000&endTime=1700003600"))
        #expect(ok.start == 1_700_000_000 && ok.end == 1_700_003_600)
        let day = try VodRequest.parseTimes(query: query("vod&startTime=0&endTime=86400"))
        #expect(day.end - day.start == VodRequest.maxSpanSeconds)
        for bad in ["vod", "vod&startTime=1", "vod&endTime=2", "vod&startTime=&endTime=2", "vod&startTime=a&endTime=2",
                    "vod&startTime=1.5&endTime=2", "vod&startTime=-5&endTime=2", "vod&startTime=2&endTime=2",
                    "vod&startTime=3&endTime=2", "vod&startTime=0&endTime=86401", "vod&startTime=%2B1&endTime=2"] {
            let items = try query(bad)
            let error = expectOSSError { () throws(OSSError) in try VodRequest.parseTimes(query: items) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad)")
        }
    }

    @Test func vodKeySplit() throws {
        let split = try VodRequest.splitKey("cam1/vod.m3u8")
        #expect(split.channel == "cam1" && split.playlist == "vod.m3u8")
        let nested = try VodRequest.splitKey("cam1/a/b.m3u8")
        #expect(nested.channel == "cam1" && nested.playlist == "a/b.m3u8")
        for bad in ["cam1", "cam1/vod.ts", "cam1/.m3u8", "/vod.m3u8"] {
            let error = expectOSSError { () throws(OSSError) in try VodRequest.splitKey(bad) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad)")
        }
        #expect(VodRequest.noSegmentsError().message.contains("No ts file found in specified time span."))
    }

    @Test func contentMD5() throws {
        let body = Array("hello world".utf8)
        try ContentMD5.verify(header: "XrY7u+Ae7tCTyyK7j1rNww==", body: body)
        let mismatch = expectOSSError { () throws(OSSError) in try ContentMD5.verify(header: "AAAAAAAAAAAAAAAAAAAAAA==", body: body) }
        #expect(mismatch?.status == 400 && mismatch?.code == "InvalidDigest")
        #expect(mismatch?.detail("CalculatedDigest") == "XrY7u+Ae7tCTyyK7j1rNww==")
        for malformed in ["", "not base64", "AAAA"] {
            #expect(expectOSSError { () throws(OSSError) in try ContentMD5.verify(header: malformed, body: body) }?.code == "InvalidDigest")
        }
    }
}
