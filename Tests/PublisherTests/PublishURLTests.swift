import Foundation
import MediaFormats
import Publisher
import Testing

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
