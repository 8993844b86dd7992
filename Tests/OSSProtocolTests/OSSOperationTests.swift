import Testing
@testable import OSSProtocol

@Suite struct OSSOperationTests {
    let resolver = HostResolver(baseHosts: ["127.0.0.1", "localhost"])

    func classify(_ method: String, _ target: String, host: String = "127.0.0.1:9000") throws -> OSSOperation {
        let resolved = try resolver.resolve(hostHeader: host, requestTarget: target)
        return try OSSOperation.classify(method: method, target: resolved)
    }

    /// The observed wire forms of spec §2 (Go and oss2) and the §8 object subset.
    static let routes: [(String, String, OSSOperation)] = [
        ("PUT", "/bucket/ch1?live", .putLiveChannel(bucket: "bucket", channel: "ch1")),
        ("PUT", "/bkt/mychannel?live=", .putLiveChannel(bucket: "bkt", channel: "mychannel")),
        ("GET", "/bucket/?live&marker&max-keys=5&prefix=p%2Fx", .listLiveChannels(bucket: "bucket")),
        ("GET", "/bkt/?live=&prefix=my&marker=&max-keys=10", .listLiveChannels(bucket: "bkt")),
        ("GET", "/bkt?live", .listLiveChannels(bucket: "bkt")),
        ("PUT", "/bucket/ch1?live&status=disabled", .putLiveChannelStatus(bucket: "bucket", channel: "ch1", status: .disabled)),
        ("PUT", "/bucket/ch1?live=&status=enabled", .putLiveChannelStatus(bucket: "bucket", channel: "ch1", status: .enabled)),
        ("GET", "/bucket/ch1?live", .getLiveChannelInfo(bucket: "bucket", channel: "ch1")),
        ("GET", "/bucket/ch1?comp=stat&live", .getLiveChannelStat(bucket: "bucket", channel: "ch1")),
        ("GET", "/bucket/ch1?live=&comp=history", .getLiveChannelHistory(bucket: "bucket", channel: "ch1")),
        ("POST", "/bucket/ch1%2Fvod.m3u8?endTime=1472020226&startTime=1472020031&vod", .postVodPlaylist(bucket: "bucket", channel: "ch1", playlist: "vod.m3u8")),
        ("POST", "/bucket/ch1/vod.m3u8?vod=&startTime=1&endTime=2", .postVodPlaylist(bucket: "bucket", channel: "ch1", playlist: "vod.m3u8")),
        ("GET", "/bucket/ch1?endTime=1472020226&startTime=1472020031&vod", .getVodPlaylist(bucket: "bucket", channel: "ch1")),
        ("DELETE", "/bucket/ch1?live", .deleteLiveChannel(bucket: "bucket", channel: "ch1")),
        ("GET", "/", .listBuckets),
        ("PUT", "/bkt/", .putBucket(bucket: "bkt")),
        ("PUT", "/bkt/?acl", .putBucketAcl(bucket: "bkt")),
        ("GET", "/bkt/?acl", .getBucketAcl(bucket: "bkt")),
        ("GET", "/bkt/?bucketInfo", .getBucketInfo(bucket: "bkt")),
        ("GET", "/bkt/?location", .getBucketLocation(bucket: "bkt")),
        ("HEAD", "/bkt", .headBucket(bucket: "bkt")),
        ("DELETE", "/bkt/", .deleteBucket(bucket: "bkt")),
        ("GET", "/bkt/?prefix=&marker=&delimiter=%2F&max-keys=100&encoding-type=url", .listObjects(bucket: "bkt")),
        ("GET", "/bkt/?list-type=2&continuation-token=abc", .listObjects(bucket: "bkt")),
        ("POST", "/bkt/?delete&encoding-type=url", .deleteMultipleObjects(bucket: "bkt")),
        ("PUT", "/bkt/ch1%2F1709625600123.ts", .putObject(bucket: "bkt", key: "ch1/1709625600123.ts")),
        ("GET", "/bkt/ch1/playlist.m3u8?response-content-type=text%2Fplain", .getObject(bucket: "bkt", key: "ch1/playlist.m3u8")),
        ("HEAD", "/bkt/ch1/playlist.m3u8", .headObject(bucket: "bkt", key: "ch1/playlist.m3u8")),
        ("HEAD", "/bkt/ch1/playlist.m3u8?objectMeta", .getObjectMeta(bucket: "bkt", key: "ch1/playlist.m3u8")),
        ("DELETE", "/bkt/a", .deleteObject(bucket: "bkt", key: "a")),
    ]

    @Test(arguments: routes.indices)
    func routesPerSpec(_ index: Int) throws {
        let (method, target, expected) = OSSOperationTests.routes[index]
        #expect(try classify(method, target) == expected, "\(method) \(target)")
    }

    @Test func virtualHostedRoutesAlike() throws {
        #expect(try classify("GET", "/ch1?comp=stat&live", host: "bkt.localhost:9000") == .getLiveChannelStat(bucket: "bkt", channel: "ch1"))
        #expect(try classify("GET", "/?live", host: "bkt.localhost:9000") == .listLiveChannels(bucket: "bkt"))
        #expect(try classify("GET", "/", host: "bkt.oss-cn-hangzhou.aliyuncs.com") == .listObjects(bucket: "bkt"))
    }

    static let refusals: [(String, String, Int, String)] = [
        ("POST", "/", 405, "MethodNotAllowed"),
        ("PATCH", "/bkt/k", 405, "MethodNotAllowed"),
        ("POST", "/bkt/k", 405, "MethodNotAllowed"),
        ("POST", "/bkt/", 405, "MethodNotAllowed"),
        ("PUT", "/bkt/?live", 405, "MethodNotAllowed"),
        ("POST", "/bkt/ch1?live", 405, "MethodNotAllowed"),
        ("DELETE", "/bkt/ch1?vod", 405, "MethodNotAllowed"),
        ("PUT", "/bkt/ch1?live&status=paused", 400, "InvalidArgument"),
        ("PUT", "/bkt/ch1?live&status", 400, "InvalidArgument"),
        ("GET", "/bkt/ch1?live&comp=other", 400, "InvalidArgument"),
        ("PUT", "/bkt/a%2Fb?live", 400, "InvalidArgument"),
        ("POST", "/bkt/ch1?vod&startTime=1&endTime=2", 400, "InvalidArgument"),
        ("POST", "/bkt/ch1%2Fvod.ts?vod", 400, "InvalidArgument"),
        ("GET", "/bkt/k?uploads", 501, "NotImplemented"),
        ("PUT", "/bkt/k?partNumber=1&uploadId=x", 501, "NotImplemented"),
        ("GET", "/bkt/?cors", 501, "NotImplemented"),
        ("GET", "/bkt/k?x-oss-process=image%2Fresize", 501, "NotImplemented"),
        ("GET", "/bkt/k?acl", 501, "NotImplemented"),
        ("POST", "/bkt/k?append&position=0", 501, "NotImplemented"),
    ]

    @Test(arguments: refusals.indices)
    func refuses(_ index: Int) throws {
        let (method, target, status, code) = OSSOperationTests.refusals[index]
        let resolved = try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: target)
        let error = expectOSSError { () throws(OSSError) in try OSSOperation.classify(method: method, target: resolved) }
        #expect(error?.status == status, "\(method) \(target)")
        #expect(error?.code == code, "\(method) \(target)")
    }

    @Test func anonymousAccessFollowsTheDesign() throws {
        #expect(try classify("GET", "/bkt/ch1/playlist.m3u8").anonymousAccess == .read)
        #expect(try classify("HEAD", "/bkt/k").anonymousAccess == .read)
        #expect(try classify("HEAD", "/bkt/k?objectMeta").anonymousAccess == .read)
        #expect(try classify("PUT", "/bkt/k").anonymousAccess == .write)
        #expect(try classify("DELETE", "/bkt/k").anonymousAccess == .write)
        for (method, target) in [("GET", "/bkt/ch1?live"), ("DELETE", "/bkt/ch1?live"), ("GET", "/bkt/ch1?vod&startTime=1&endTime=2"),
                                 ("GET", "/bkt/"), ("GET", "/"), ("PUT", "/bkt/?acl"), ("POST", "/bkt/?delete")] {
            #expect(try classify(method, target).anonymousAccess == .never, "\(method) \(target)")
        }
        #expect(try classify("GET", "/").bucket == nil)
        #expect(try classify("POST", "/bkt/ch1/v.m3u8?vod").bucket == "bkt")
    }
}
