import Testing
@testable import OSSProtocol

/// Spec §5.4/§5.5: the URL shapes the SDKs, ffmpeg and OBS produce.
@Suite struct RTMPPublishTargetTests {
    let resolver = HostResolver(baseHosts: ["localhost", "127.0.0.1"])

    func resolve(app: String, tcUrl: String?, stream: String, defaultBucket: String? = nil) throws -> RTMPPublishTarget {
        try RTMPPublishTarget.resolve(app: app, tcUrl: tcUrl, streamName: stream, resolver: resolver, defaultBucket: defaultBucket)
    }

    @Test func pathStyleFromIPEndpoints() throws {
        // oss2/Go SignRtmpURL with an IP endpoint, as ffmpeg splits it.
        let t = try resolve(app: "bkt/live", tcUrl: "rtmp://127.0.0.1:9000/bkt/live",
                            stream: "mychannel?playlistName=playlist.m3u8&OSSAccessKeyId=AKIDEXAMPLE&Expires=1795620102&Signature=7AAO1PQxL5aIj8M0CYunrRSORPw%3D")
        #expect(t.bucket == "bkt" && t.channel == "mychannel" && t.playlistName == "playlist.m3u8")
        #expect(t.parameters.value("Signature") == "7AAO1PQxL5aIj8M0CYunrRSORPw=")
        #expect(try RTMPURLSignature.verify(parameters: t.parameters, bucket: t.bucket, channel: t.channel,
                                            credentials: [Credential(accessKeyId: "AKIDEXAMPLE", accessKeySecret: "SECRETEXAMPLE")],
                                            now: 1_795_620_102) == "AKIDEXAMPLE")
    }

    @Test func virtualHostedAndOBS() throws {
        let go = try resolve(app: "live", tcUrl: "rtmp://bkt.localhost:9000/live", stream: "test%20channel?playlistName=play%20list.m3u8")
        #expect(go.bucket == "bkt" && go.channel == "test channel" && go.playlistName == "play list.m3u8")
        let aliyun = try resolve(app: "live/", tcUrl: "rtmp://bkt.oss-cn-hangzhou.aliyuncs.com/live", stream: "cam1")
        #expect(aliyun.bucket == "bkt" && aliyun.channel == "cam1" && aliyun.playlistName == nil && aliyun.parameters.isEmpty)
        // OBS: server rtmp://host/live, key in the stream name; parameters on the app too.
        let obs = try resolve(app: "live?OSSAccessKeyId=ak", tcUrl: "rtmp://bkt.localhost/live?Expires=5", stream: "cam1?Signature=s")
        #expect(obs.parameters == [QueryItem(name: "Signature", value: "s"), QueryItem(name: "OSSAccessKeyId", value: "ak"),
                                   QueryItem(name: "Expires", value: "5")])
    }

    @Test func defaultBucketForClientsThatLoseIt() throws {
        // Java generateRtmpUri with an IP endpoint: rtmp://127.0.0.1:p/live/<ch>.
        let java = try resolve(app: "live", tcUrl: "rtmp://127.0.0.1:9000/live", stream: "cam1", defaultBucket: "bkt")
        #expect(java.bucket == "bkt")
        let error = expectOSSError { () throws(OSSError) in
            try RTMPPublishTarget.resolve(app: "live", tcUrl: "rtmp://127.0.0.1:9000/live", streamName: "cam1", resolver: resolver)
        }
        #expect(error?.code == "NoSuchBucket")
    }

    @Test func refusals() {
        let cases: [(String, String?, String, String)] = [
            ("app", "rtmp://127.0.0.1/app", "cam1", "InvalidArgument"),
            ("bkt/other", "rtmp://127.0.0.1/bkt/other", "cam1", "InvalidArgument"),
            ("Bad_Bucket/live", nil, "cam1", "InvalidBucketName"),
            ("bkt/live", nil, "", "InvalidArgument"),
            ("bkt/live", nil, "a%2Fb", "InvalidArgument"),
            ("bkt/live", nil, "cam%zz", "InvalidArgument"),
            ("bkt/live", nil, "cam1?playlistName=p.ts", "InvalidArgument"),
            ("bkt/live", nil, "cam1?playlistName=a%2Fb.m3u8", "InvalidArgument"),
            ("bkt/live", nil, "cam1?x=%", "InvalidArgument"),
        ]
        for (app, tcUrl, stream, code) in cases {
            let error = expectOSSError { () throws(OSSError) in
                try RTMPPublishTarget.resolve(app: app, tcUrl: tcUrl, streamName: stream, resolver: resolver)
            }
            #expect(error?.code == code, "\(app) \(stream)")
        }
    }
}
