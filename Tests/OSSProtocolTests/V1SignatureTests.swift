import Testing
@testable import OSSProtocol

/// Spec §6.2/§6.3 vectors and the wire-captures strings to sign.
@Suite struct V1SignatureTests {
    static let date = "Tue, 05 Mar 2024 08:00:00 GMT"
    static let now: Int64 = 1_709_625_600
    let auth = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "secretExample"),
                                           Credential(accessKeyId: "sk-ak", accessKeySecret: "sk")])

    struct Vector {
        var name: String, method: String, key: String?, query: [QueryItem], resource: String, signature: String
    }

    static let vectors: [Vector] = [
        Vector(name: "GetLiveChannelStat", method: "GET", key: "cam1",
               query: [QueryItem(name: "comp", value: "stat"), QueryItem(name: "live", value: nil)],
               resource: "/demo-bucket/cam1?comp=stat&live", signature: "T8oSHtmK4082LOlsZz//mAlEc88="),
        Vector(name: "PutLiveChannel", method: "PUT", key: "cam1", query: [QueryItem(name: "live", value: "")],
               resource: "/demo-bucket/cam1?live", signature: "nzrVO1qj6pW+F0xhY/2Ckg8hO+U="),
        Vector(name: "PostVodPlaylist", method: "POST", key: "cam1/vod.m3u8",
               query: [QueryItem(name: "vod", value: nil), QueryItem(name: "startTime", value: "1709622000"),
                       QueryItem(name: "endTime", value: "1709625600")],
               resource: "/demo-bucket/cam1/vod.m3u8?endTime=1709625600&startTime=1709622000&vod",
               signature: "9GEJiiUnHbp5Tc5JeMtg4tQChfw="),
        Vector(name: "ListLiveChannel", method: "GET", key: nil,
               query: [QueryItem(name: "live", value: ""), QueryItem(name: "prefix", value: "p/x"),
                       QueryItem(name: "marker", value: ""), QueryItem(name: "max-keys", value: "5")],
               resource: "/demo-bucket/?live", signature: "Me7X2058fCDTb+oKZlpShz+wOFY="),
    ]

    func request(_ v: Vector, signature: String? = nil, extra: [(name: String, value: String)] = []) -> SignableRequest {
        SignableRequest(method: v.method, bucket: "demo-bucket", key: v.key, query: v.query,
                        headers: [("date", V1SignatureTests.date),
                                  ("Authorization", "OSS ak:" + (signature ?? v.signature))] + extra)
    }

    @Test(arguments: vectors.indices)
    func specVectorsVerify(_ index: Int) throws {
        let v = V1SignatureTests.vectors[index]
        #expect(V1Signature.canonicalizedResource(bucket: "demo-bucket", key: v.key, query: v.query) == v.resource)
        let stringToSign = "\(v.method)\n\n\n\(V1SignatureTests.date)\n\(v.resource)"
        #expect(V1Signature.stringToSign(request(v), date: V1SignatureTests.date) == stringToSign)
        #expect(V1Signature.sign(secret: "secretExample", stringToSign: stringToSign) == v.signature)
        #expect(try auth.authenticate(request(v), now: V1SignatureTests.now) == .signed(accessKeyId: "ak"))
    }

    @Test func referencePageVector() {
        let request = SignableRequest(method: "PUT", bucket: "oss-example", key: "nelson", query: [], headers: [
            ("Content-MD5", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM="), ("Content-Type", "text/html"),
            ("X-OSS-Meta-Author", "foo@bar.com"), ("X-OSS-Magic", "abracadabra"), ("Host", "oss-example.oss.aliyuncs.com"),
        ])
        let stringToSign = V1Signature.stringToSign(request, date: "Thu, 17 Nov 2005 18:49:58 GMT")
        #expect(stringToSign == "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n"
            + "x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson")
        #expect(V1Signature.sign(secret: "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", stringToSign: stringToSign)
            == "26NBxoKdsyly4EDv6inkoDft/yA=")
    }

    /// Paths from wire-captures.md: oss2 and Go produce the same strings to sign.
    @Test func wireCaptureStringsToSign() throws {
        let resolver = HostResolver(baseHosts: ["127.0.0.1", "localhost"])
        let cases: [(String, String, String)] = [
            ("PUT", "/bkt/mychannel?live=", "PUT\n\n\nD\n/bkt/mychannel?live"),
            ("PUT", "/bkt/mychannel?live", "PUT\n\n\nD\n/bkt/mychannel?live"),
            ("GET", "/bkt/?live=&prefix=my&marker=&max-keys=10", "GET\n\n\nD\n/bkt/?live"),
            ("GET", "/bkt/?live&max-keys=10&prefix=my", "GET\n\n\nD\n/bkt/?live"),
            ("GET", "/bkt/mychannel?live=&comp=stat", "GET\n\n\nD\n/bkt/mychannel?comp=stat&live"),
            ("GET", "/bkt/mychannel?comp=stat&live", "GET\n\n\nD\n/bkt/mychannel?comp=stat&live"),
            ("POST", "/bkt/mychannel%2Fvod.m3u8?vod=&startTime=1700000000&endTime=1700003600",
             "POST\n\n\nD\n/bkt/mychannel/vod.m3u8?endTime=1700003600&startTime=1700000000&vod"),
            ("POST", "/bkt/mychannel%2Fvod.m3u8?endTime=1700003600&startTime=1700000000&vod",
             "POST\n\n\nD\n/bkt/mychannel/vod.m3u8?endTime=1700003600&startTime=1700000000&vod"),
            ("GET", "/", "GET\n\n\nD\n/"),
            ("PUT", "/bkt/?acl", "PUT\n\n\nD\n/bkt/?acl"),
        ]
        for (method, target, expected) in cases {
            let t = try resolver.resolve(hostHeader: "127.0.0.1:9000", requestTarget: target)
            let request = SignableRequest(method: method, bucket: t.bucket, key: t.key, query: t.query, headers: [])
            #expect(V1Signature.stringToSign(request, date: "D") == expected, "\(target)")
        }
    }

    @Test func securityTokenHeaderIsSignedAndRequired() throws {
        let sts = Authenticator(credentials: [Credential(accessKeyId: "STS.ak", accessKeySecret: "s", securityToken: "TOKEN")])
        var request = SignableRequest(method: "GET", bucket: "b", key: "k", query: [],
                                      headers: [("Date", V1SignatureTests.date), ("x-oss-security-token", "TOKEN")])
        let stringToSign = V1Signature.stringToSign(request, date: V1SignatureTests.date)
        #expect(stringToSign == "GET\n\n\n\(V1SignatureTests.date)\nx-oss-security-token:TOKEN\n/b/k")
        request.headers.append(("Authorization", "OSS STS.ak:" + V1Signature.sign(secret: "s", stringToSign: stringToSign)))
        #expect(try sts.authenticate(request, now: V1SignatureTests.now) == .signed(accessKeyId: "STS.ak"))
        request.headers[1].value = "OTHER"
        #expect(expectOSSError { () throws(OSSError) in try sts.authenticate(request, now: V1SignatureTests.now) }?.code == "InvalidSecurityToken")
        request.headers.remove(at: 1)
        #expect(expectOSSError { () throws(OSSError) in try sts.authenticate(request, now: V1SignatureTests.now) }?.code == "AccessDenied")
    }

    @Test func longTermKeyRefusesAnyToken() throws {
        let authenticator = Authenticator(credentials: [
            Credential(accessKeyId: "ak", accessKeySecret: "secretExample"),
            Credential(accessKeyId: "STS.other", accessKeySecret: "s", securityToken: "OTHERS"),
        ])
        for (token, code) in [("MADE-UP", "InvalidSecurityToken"), ("OTHERS", "AccessKeyIdAndSecurityTokenNotMatch")] {
            var request = SignableRequest(method: "GET", bucket: "b", key: "k", query: [],
                                          headers: [("Date", V1SignatureTests.date), ("x-oss-security-token", token)])
            let stringToSign = V1Signature.stringToSign(request, date: V1SignatureTests.date)
            request.headers.append(("Authorization", "OSS ak:" + V1Signature.sign(secret: "secretExample", stringToSign: stringToSign)))
            let error = expectOSSError { () throws(OSSError) in try authenticator.authenticate(request, now: V1SignatureTests.now) }
            #expect(error?.status == 403 && error?.code == code, "\(token)")
        }
        // An empty token is no token.
        var request = SignableRequest(method: "GET", bucket: "b", key: "k", query: [],
                                      headers: [("Date", V1SignatureTests.date), ("x-oss-security-token", "")])
        let stringToSign = V1Signature.stringToSign(request, date: V1SignatureTests.date)
        request.headers.append(("Authorization", "OSS ak:" + V1Signature.sign(secret: "secretExample", stringToSign: stringToSign)))
        #expect(try authenticator.authenticate(request, now: V1SignatureTests.now) == .signed(accessKeyId: "ak"))
    }

    @Test func ossDateInDateSlotAsOss2Does() throws {
        var request = SignableRequest(method: "GET", bucket: "b", key: "k", query: [],
                                      headers: [("x-oss-date", V1SignatureTests.date)])
        let stringToSign = "GET\n\n\n\(V1SignatureTests.date)\nx-oss-date:\(V1SignatureTests.date)\n/b/k"
        request.headers.append(("authorization", "OSS ak:" + V1Signature.sign(secret: "secretExample", stringToSign: stringToSign)))
        #expect(try auth.authenticate(request, now: V1SignatureTests.now) == .signed(accessKeyId: "ak"))
    }

    @Test func mismatchReportsServerStringToSign() {
        let v = V1SignatureTests.vectors[0]
        let error = expectOSSError { () throws(OSSError) in
            try auth.authenticate(request(v, signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA="), now: V1SignatureTests.now)
        }
        #expect(error?.status == 403)
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.detail("StringToSign") == "GET\n\n\n\(V1SignatureTests.date)\n/demo-bucket/cam1?comp=stat&live")
        #expect(error?.detail("OSSAccessKeyId") == "ak")
        #expect(error?.detail("SignatureProvided") == "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    }

    @Test func headerFailures() {
        let v = V1SignatureTests.vectors[0]
        func fail(_ headers: [(name: String, value: String)], now: Int64 = V1SignatureTests.now, query: [QueryItem]? = nil) -> OSSError? {
            let request = SignableRequest(method: "GET", bucket: "demo-bucket", key: "cam1", query: query ?? v.query, headers: headers)
            return expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: now) }
        }
        let good = "OSS ak:" + v.signature
        // Skew: exactly 15 minutes is fine, one second more is not.
        #expect((try? auth.authenticate(request(v), now: V1SignatureTests.now + 900)) == .signed(accessKeyId: "ak"))
        #expect((try? auth.authenticate(request(v), now: V1SignatureTests.now - 900)) == .signed(accessKeyId: "ak"))
        let skewed = fail([("Date", V1SignatureTests.date), ("Authorization", good)], now: V1SignatureTests.now + 901)
        #expect(skewed?.status == 403 && skewed?.code == "RequestTimeTooSkewed")
        #expect(fail([("Date", V1SignatureTests.date), ("Authorization", good)], now: V1SignatureTests.now - 901)?.code == "RequestTimeTooSkewed")
        let unknown = fail([("Date", V1SignatureTests.date), ("Authorization", "OSS nobody:" + v.signature)])
        #expect(unknown?.status == 403 && unknown?.code == "InvalidAccessKeyId")
        for malformed in ["OSS", "OSS ak", "OSS :sig", "OSS ak:", "Basic dXNlcjpwYXNz", "OSS a k:sig", "OSS4-HMAC-SHA256 nonsense",
                          "OSS2 garbage", "OSS2 AccessKeyId:ak", "OSS2 AccessKeyId:ak,Signature:x,Extra:y"] {
            let error = fail([("Date", V1SignatureTests.date), ("Authorization", malformed)])
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(malformed)")
        }
        let noDate = fail([("Authorization", good)])
        #expect(noDate?.status == 403 && noDate?.code == "AccessDenied")
        let badDate = fail([("Date", "yesterday"), ("Authorization", good)])
        #expect(badDate?.status == 403 && badDate?.code == "AccessDenied")
        let both = fail([("Date", V1SignatureTests.date), ("Authorization", good)],
                        query: v.query + [QueryItem(name: "Signature", value: "x")])
        #expect(both?.status == 400 && both?.code == "InvalidArgument")
        let bothV4 = fail([("Date", V1SignatureTests.date), ("Authorization", good)],
                          query: v.query + [QueryItem(name: "x-oss-signature", value: "x")])
        #expect(bothV4?.status == 400 && bothV4?.code == "InvalidArgument")
    }

    @Test func anonymousWithoutCredentials() throws {
        let request = SignableRequest(method: "GET", bucket: "b", key: "k", query: [QueryItem(name: "live", value: nil)],
                                      headers: [("Date", V1SignatureTests.date)])
        #expect(try auth.authenticate(request, now: 0) == .anonymous)
    }

    // MARK: Presigned (§6.3)

    /// Observed Go output: `/bucket/ch1%2Fp.m3u8?Expires=1795616768&OSSAccessKeyId=ak&Signature=9muKOFxztXviB%2FTvD45sXieuwh4%3D`, secret `sk`.
    func goPresigned() throws -> SignableRequest {
        let t = try HostResolver(baseHosts: ["127.0.0.1"]).resolve(
            hostHeader: "127.0.0.1", requestTarget: "/bucket/ch1%2Fp.m3u8?Expires=1795616768&OSSAccessKeyId=sk-ak&Signature=9muKOFxztXviB%2FTvD45sXieuwh4%3D")
        return SignableRequest(method: "GET", bucket: t.bucket, key: t.key, query: t.query, headers: [("Host", "127.0.0.1")])
    }

    @Test func presignedGoVectorVerifiesUntilExpiry() throws {
        let request = try goPresigned()
        #expect(V1Signature.stringToSign(request, date: "1795616768") == "GET\n\n\n1795616768\n/bucket/ch1/p.m3u8")
        // Presigned URLs are not subject to the 15-minute skew.
        #expect(try auth.authenticate(request, now: 1_795_616_768 - 100_000) == .signed(accessKeyId: "sk-ak"))
        #expect(try auth.authenticate(request, now: 1_795_616_768) == .signed(accessKeyId: "sk-ak"))
        let expired = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: 1_795_616_769) }
        #expect(expired?.status == 403 && expired?.code == "AccessDenied" && expired?.message == "Request has expired.")
    }

    @Test func presignedExpiryCheckedBeforeSignatureAndKey() throws {
        var request = try goPresigned()
        request.query = request.query.map { $0.name == "OSSAccessKeyId" ? QueryItem(name: $0.name, value: "nobody") : $0 }
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: 1_795_616_769) }?.message == "Request has expired.")
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: 0) }?.code == "InvalidAccessKeyId")
    }

    @Test func presignedFailures() throws {
        let full = try goPresigned()
        for missing in ["Expires", "OSSAccessKeyId", "Signature"] {
            var request = full
            request.query.removeAll { $0.name == missing }
            let error = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: 0) }
            #expect(error?.status == 403 && error?.code == "AccessDenied", "\(missing)")
        }
        var wrongMethod = full
        wrongMethod.method = "DELETE"
        let mismatch = expectOSSError { () throws(OSSError) in try auth.authenticate(wrongMethod, now: 0) }
        #expect(mismatch?.code == "SignatureDoesNotMatch")
        #expect(mismatch?.detail("StringToSign") == "DELETE\n\n\n1795616768\n/bucket/ch1/p.m3u8")
        var notNumber = full
        notNumber.query = notNumber.query.map { $0.name == "Expires" ? QueryItem(name: "Expires", value: "soon") : $0 }
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(notNumber, now: 0) }?.code == "AccessDenied")
    }

    @Test func presignedSecurityTokenIsASignedSubresource() throws {
        let sts = Authenticator(credentials: [Credential(accessKeyId: "STS.a", accessKeySecret: "s", securityToken: "T/1")])
        var request = SignableRequest(method: "GET", bucket: "b", key: "k",
                                      query: [QueryItem(name: "Expires", value: "100"), QueryItem(name: "OSSAccessKeyId", value: "STS.a"),
                                              QueryItem(name: "security-token", value: "T/1")], headers: [])
        let stringToSign = V1Signature.stringToSign(request, date: "100")
        #expect(stringToSign == "GET\n\n\n100\n/b/k?security-token=T/1")
        request.query.append(QueryItem(name: "Signature", value: V1Signature.sign(secret: "s", stringToSign: stringToSign)))
        #expect(try sts.authenticate(request, now: 50) == .signed(accessKeyId: "STS.a"))
    }
}
