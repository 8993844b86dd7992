import OSSProtocol
import Testing
@testable import Emulator

@Suite struct PublishTargetTests {
    let resolver = HostResolver(baseHosts: ["localhost"])

    func resolve(_ app: String, _ stream: String, tcUrl: String?, defaultBucket: String? = nil) throws(PublishTarget.Failure) -> PublishTarget {
        try PublishTarget.resolve(app: app, streamName: stream, tcUrl: tcUrl, resolver: resolver, defaultBucket: defaultBucket)
    }

    @Test func pathStyleAsGoAndOss2BuildForIPEndpoints() throws {
        // ffmpeg 5.1 splits /bkt/live/cam?... into app "bkt/live" and the rest.
        let target = try resolve("bkt/live", "cam?playlistName=p.m3u8&OSSAccessKeyId=ak&Expires=17&Signature=a/b%2Bc",
                                 tcUrl: "rtmp://127.0.0.1:8080/bkt/live")
        #expect(target.bucket == "bkt")
        #expect(target.channel == "cam")
        #expect(target.parameters.value("Signature") == "a/b+c")
        #expect(target.parameters.value("playlistName") == "p.m3u8")
    }

    @Test func ffmpegSplitInsideAnUnescapedSignatureIsRejoined() throws {
        // /live/cam?...&Signature=a/b%2Bc gives app "live/cam?...&Signature=a" and name "b%2Bc".
        let target = try resolve("live/cam?playlistName=x.m3u8&Expires=1&Signature=a", "b%2Bc",
                                 tcUrl: "rtmp://bkt.localhost:8080/live/cam?playlistName=x.m3u8&Expires=1&Signature=a")
        #expect(target.bucket == "bkt")
        #expect(target.channel == "cam")
        #expect(target.parameters.value("Signature") == "a/b+c")
    }

    @Test func bucketFromTheVirtualHostedTcUrl() throws {
        let target = try resolve("live", "cam", tcUrl: "rtmp://bkt.oss-cn-hangzhou.aliyuncs.com/live")
        #expect(target.bucket == "bkt" && target.channel == "cam")
    }

    @Test func obsStreamKeyCarriesTheQuery() throws {
        let target = try resolve("live", "cam?OSSAccessKeyId=ak&Expires=5&Signature=s", tcUrl: "rtmp://bkt.localhost/live")
        #expect(target.parameters.value("OSSAccessKeyId") == "ak")
    }

    @Test func javaStyleURLsUseTheDefaultBucket() throws {
        let target = try resolve("live", "cam", tcUrl: "rtmp://127.0.0.1:8080/live", defaultBucket: "fallback")
        #expect(target.bucket == "fallback")
        #expect(throws: PublishTarget.Failure.noBucket("live/cam")) {
            try resolve("live", "cam", tcUrl: "rtmp://127.0.0.1:8080/live")
        }
    }

    @Test func percentEncodedChannelNamesAreDecoded() throws {
        let target = try resolve("bkt/live", "test%20channel", tcUrl: nil)
        #expect(target.channel == "test channel")
    }

    @Test(arguments: [("app", "cam"), ("bkt/other", "cam"), ("bkt/live/extra", "cam"), ("live", "")])
    func otherShapesAreRefused(app: String, stream: String) {
        #expect(throws: PublishTarget.Failure.self) { try resolve(app, stream, tcUrl: nil, defaultBucket: "b") }
    }

    @Test func mangledURLsNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        func mangle(_ text: String) -> String {
            var bytes = Array(text.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        for _ in 0..<2000 {
            _ = try? resolve(mangle("bkt/live?x=1"), mangle("cam%201?playlistName=p.m3u8&Expires=1"),
                             tcUrl: mangle("rtmp://bkt.localhost:1935/live"), defaultBucket: "bkt")
        }
    }
}
