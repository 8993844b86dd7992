import Testing
@testable import OSSProtocol

/// Requests signed by the real Python SDK (oss2 2.19.1, `OSS2Vectors.swift`) must resolve
/// to the intended bucket, key and parameters and verify, at the time they were signed.
@Suite struct OSS2InteropTests {
    let resolver = HostResolver(baseHosts: ["127.0.0.1", "localhost"])
    let plain = Authenticator(credentials: [Credential(accessKeyId: "AKIDEXAMPLE", accessKeySecret: "SECRETEXAMPLE")])
    let sts = Authenticator(credentials: [Credential(accessKeyId: "AKIDEXAMPLE", accessKeySecret: "SECRETEXAMPLE",
                                                     securityToken: "STS-TOKEN/+=")])

    func resolve(_ v: OSS2Vector) throws -> (RequestTarget, SignableRequest) {
        let target = try resolver.resolve(hostHeader: v.host, requestTarget: v.target)
        let request = SignableRequest(method: v.method, bucket: target.bucket, key: target.key, query: target.query,
                                      headers: v.headers.map { (name: $0.0, value: $0.1) })
        return (target, request)
    }

    @Test(arguments: oss2Vectors.indices)
    func verifies(_ index: Int) throws {
        let v = oss2Vectors[index]
        let (_, request) = try resolve(v)
        let auth = v.name.hasPrefix("STS") ? sts : plain
        do {
            #expect(try auth.authenticate(request, now: v.now) == .signed(accessKeyId: "AKIDEXAMPLE"), "\(v.name)")
        } catch {
            Issue.record("\(v.name): \(error.code) \(error.message) \(error.detail("StringToSign") ?? "") \(error.detail("CanonicalRequest") ?? "")")
        }
    }

    @Test func decodedAsIntended() throws {
        for v in oss2Vectors {
            let (target, _) = try resolve(v)
            let operation = v.name.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
            switch operation {
            case "ListLiveChannel":
                // requests writes the space of "my ch/x" as `+`.
                #expect(try ListLiveChannelRequest(query: target.query) == ListLiveChannelRequest(prefix: "my ch/x", marker: "m", maxKeys: 10))
            case "PostVodPlaylist":
                #expect(target.key == "my channel/vod.m3u8")
                let split = try VodRequest.splitKey(target.key ?? "")
                #expect(split.channel == "my channel" && split.playlist == "vod.m3u8")
                let times = try VodRequest.parseTimes(query: target.query)
                #expect(times.start == 1_700_000_000 && times.end == 1_700_003_600)
            case "PutObject", "GetObject range", "presigned GET":
                #expect(target.key == "dir/a b+c~*中.ts", "\(v.name)")
            case "ListObjects":
                let list = try ListObjectsRequest(query: target.query)
                #expect(list.prefix == "a b+" && list.delimiter == "/" && list.maxKeys == 5 && list.urlEncoded)
            case "ListObjectsV2":
                let list = try ListObjectsRequest(query: target.query)
                #expect(list.isV2 && list.prefix == "a b" && list.continuationToken == "tok en" && list.fetchOwner)
            case "PutLiveChannelStatus":
                #expect(try LiveChannelStatus.parse(queryValue: target.query.value("status")) == .disabled)
            default:
                #expect(target.bucket == (v.name.hasSuffix("ListBuckets") ? nil : "bkt"), "\(v.name)")
            }
        }
    }

    @Test(arguments: oss2RTMPVectors.indices)
    func rtmpURLsVerify(_ index: Int) throws {
        let v = oss2RTMPVectors[index]
        let query = try #require(v.url.split(separator: "?", maxSplits: 1).last)
        let parameters = try #require(QueryItem.parse(query))
        let credentials = [Credential(accessKeyId: "AKIDEXAMPLE", accessKeySecret: "SECRETEXAMPLE",
                                      securityToken: v.name.hasPrefix("STS") ? "STS-TOKEN/+=" : nil)]
        #expect(try RTMPURLSignature.verify(parameters: parameters, bucket: "bkt", channel: v.channel, credentials: credentials,
                                            now: v.now) == "AKIDEXAMPLE")
    }
}
