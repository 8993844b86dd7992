import Testing
@testable import OSSProtocol

/// Spec §6.4 vectors 1–3 and §6.5 presigned URLs.
@Suite struct V4SignatureTests {
    static let now: Int64 = 1_709_625_600   // 2024-03-05T08:00:00Z
    let auth = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "secretExample"),
                                           Credential(accessKeyId: "go-ak", accessKeySecret: "sk")])

    static let scope = V4Signature.CredentialScope(accessKeyId: "ak", date: "20240305", region: "cn-hangzhou")

    /// Vector 1, from the Go SDK's own unit test.
    @Test func goSDKUnitTestVector() throws {
        let query = [QueryItem(name: "param1", value: "value1"), QueryItem(name: "+param1", value: "value3"),
                     QueryItem(name: "|param1", value: "value4"), QueryItem(name: "+param2", value: nil),
                     QueryItem(name: "|param2", value: nil), QueryItem(name: "param2", value: nil)]
        let headers: [(name: String, value: String)] = [
            ("x-oss-head1", "value"), ("abc", "value"), ("ZAbc", "value"), ("XYZ", "value"),
            ("content-type", "text/plain"), ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"), ("x-oss-date", "20231216T162057Z"),
        ]
        #expect(V4Signature.canonicalURI(bucket: "bucket", key: "1234+-/123/1.txt") == "/bucket/1234%2B-/123/1.txt")
        #expect(V4Signature.canonicalQuery(query) == "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2")
        var request = SignableRequest(method: "PUT", bucket: "bucket", key: "1234+-/123/1.txt", query: query, headers: headers)
        let scope = V4Signature.CredentialScope(accessKeyId: "ak", date: "20231216", region: "cn-hangzhou")
        let canonical = V4Signature.canonicalRequest(method: "PUT", bucket: "bucket", key: "1234+-/123/1.txt", query: query,
                                                     headers: request.normalizedHeaders(), additionalHeaders: [])
        let stringToSign = V4Signature.stringToSign(timestamp: "20231216T162057Z", scope: scope, canonicalRequest: canonical)
        let signature = V4Signature.sign(secret: "sk", scope: scope, stringToSign: stringToSign)
        #expect(signature == "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe")

        let goAuth = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "sk")])
        request.headers.append(("Authorization", "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=\(signature)"))
        #expect(try goAuth.authenticate(request, now: 1_702_743_657) == .signed(accessKeyId: "ak"))
    }

    /// Vector 2: oss2/Java style with x-oss-date.
    @Test func liveChannelStatWithOssDate() throws {
        let query = [QueryItem(name: "live", value: ""), QueryItem(name: "comp", value: "stat")]
        let headers: [(name: String, value: String)] = [("x-oss-date", "20240305T080000Z"), ("x-oss-content-sha256", "UNSIGNED-PAYLOAD")]
        let request = SignableRequest(method: "GET", bucket: "demo-bucket", key: "cam1", query: query, headers: headers)
        let canonical = V4Signature.canonicalRequest(method: "GET", bucket: "demo-bucket", key: "cam1", query: query,
                                                     headers: request.normalizedHeaders(), additionalHeaders: [])
        #expect(canonical == "GET\n/demo-bucket/cam1\ncomp=stat&live\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20240305T080000Z\n\n\nUNSIGNED-PAYLOAD")
        let signature = "40737c2dbf85c418424402f714907be6baa1bb30d27ba3baab712780b92325f9"
        // oss2's spacing: ", Signature=".
        var signed = request
        signed.headers.append(("authorization", "OSS4-HMAC-SHA256 Credential=ak/20240305/cn-hangzhou/oss/aliyun_v4_request, Signature=\(signature)"))
        #expect(try auth.authenticate(signed, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
    }

    /// Vector 3: Go v3 style, Date header signed verbatim, no x-oss-date.
    @Test func liveChannelStatWithDateHeader() throws {
        let date = "Tue, 05 Mar 2024 08:00:00 GMT"
        let request = SignableRequest(method: "GET", bucket: "demo-bucket", key: "cam1",
                                      query: [QueryItem(name: "comp", value: "stat"), QueryItem(name: "live", value: nil)],
                                      headers: [("Date", date), ("X-Oss-Content-Sha256", "UNSIGNED-PAYLOAD"),
                                                ("Authorization", "OSS4-HMAC-SHA256 Credential=ak/20240305/cn-hangzhou/oss/aliyun_v4_request,Signature=1dfaf0033d92c9bc31c80b992637e419597a75dd31cfbedb88c9ffd0be6d5c88")])
        #expect(try auth.authenticate(request, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
        // The same request a day later is skewed.
        let skewed = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: V4SignatureTests.now + 901) }
        #expect(skewed?.status == 403 && skewed?.code == "RequestTimeTooSkewed")
    }

    func signedHeaderRequest(additional: [String] = [], extraHeaders: [(name: String, value: String)] = [],
                             authorizationStyle: (String, String) -> String) -> SignableRequest {
        var request = SignableRequest(method: "PUT", bucket: "demo-bucket", key: "cam1/x.ts", query: [QueryItem(name: "acl", value: nil)],
                                      headers: [("x-oss-date", "20240305T080000Z")] + extraHeaders)
        let canonical = V4Signature.canonicalRequest(method: "PUT", bucket: "demo-bucket", key: "cam1/x.ts", query: request.query,
                                                     headers: request.normalizedHeaders(), additionalHeaders: additional)
        let stringToSign = V4Signature.stringToSign(timestamp: "20240305T080000Z", scope: V4SignatureTests.scope, canonicalRequest: canonical)
        let signature = V4Signature.sign(secret: "secretExample", scope: V4SignatureTests.scope, stringToSign: stringToSign)
        request.headers.append(("Authorization", authorizationStyle("ak/20240305/cn-hangzhou/oss/aliyun_v4_request", signature)))
        return request
    }

    @Test func additionalHeadersInEitherOrder() throws {
        let extra: [(name: String, value: String)] = [("Host", "demo-bucket.localhost"), ("Range", "bytes=0-1")]
        let goStyle = signedHeaderRequest(additional: ["host", "range"], extraHeaders: extra) {
            "OSS4-HMAC-SHA256 Credential=\($0),AdditionalHeaders=host;range,Signature=\($1)"
        }
        #expect(try auth.authenticate(goStyle, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
        let pythonStyle = signedHeaderRequest(additional: ["host", "range"], extraHeaders: extra) {
            "OSS4-HMAC-SHA256 Credential=\($0), Signature=\($1), AdditionalHeaders=host;range"
        }
        #expect(try auth.authenticate(pythonStyle, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
        // Changing a header named in AdditionalHeaders breaks the signature.
        var tampered = goStyle
        tampered.headers[2].value = "bytes=0-2"
        let error = expectOSSError { () throws(OSSError) in try auth.authenticate(tampered, now: V4SignatureTests.now) }
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.detail("CanonicalRequest")?.contains("range:bytes=0-2") == true)
        #expect(error?.detail("StringToSign")?.hasPrefix("OSS4-HMAC-SHA256\n20240305T080000Z\n20240305/cn-hangzhou/oss/aliyun_v4_request\n") == true)
    }

    @Test func headerFailures() {
        func fail(_ authorization: String, headers: [(name: String, value: String)] = [("x-oss-date", "20240305T080000Z")],
                  now: Int64 = V4SignatureTests.now) -> OSSError? {
            let request = SignableRequest(method: "GET", bucket: "b", key: nil, query: [], headers: headers + [("Authorization", authorization)])
            return expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: now) }
        }
        let cred = "ak/20240305/cn-hangzhou/oss/aliyun_v4_request"
        for malformed in ["OSS4-HMAC-SHA256 ", "OSS4-HMAC-SHA256 Credential=\(cred)", "OSS4-HMAC-SHA256 Signature=abc",
                          "OSS4-HMAC-SHA256 Credential=ak/20240305/cn-hangzhou/s3/aliyun_v4_request,Signature=abc",
                          "OSS4-HMAC-SHA256 Credential=ak/2024035/cn-hangzhou/oss/aliyun_v4_request,Signature=abc",
                          "OSS4-HMAC-SHA256 Credential=ak/20240305/cn-hangzhou/oss,Signature=abc",
                          "OSS4-HMAC-SHA256 Credential=\(cred),Signature=abc,Foo=bar",
                          "OSS4-HMAC-SHA256 Credential=\(cred),Signature="] {
            let error = fail(malformed)
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(malformed)")
        }
        let good = "OSS4-HMAC-SHA256 Credential=\(cred),Signature=abc"
        #expect(fail(good, headers: [])?.code == "AccessDenied")
        #expect(fail(good, headers: [("x-oss-date", "2024-03-05T08:00:00Z")])?.code == "AccessDenied")
        #expect(fail(good, now: V4SignatureTests.now + 901)?.code == "RequestTimeTooSkewed")
        #expect(fail(good, headers: [("x-oss-date", "20240306T000000Z")], now: 1_709_683_200)?.code == "AccessDenied")
        #expect(fail("OSS4-HMAC-SHA256 Credential=nobody/20240305/cn-hangzhou/oss/aliyun_v4_request,Signature=abc")?.code == "InvalidAccessKeyId")
        let mismatch = fail(good)
        #expect(mismatch?.status == 403 && mismatch?.code == "SignatureDoesNotMatch")
        #expect(mismatch?.detail("CanonicalRequest") == "GET\n/b/\n\nx-oss-date:20240305T080000Z\n\n\nUNSIGNED-PAYLOAD")
    }

    // MARK: Presigned (§6.5)

    func presigned(method: String = "GET", expires: String = "600", date: String = "20240305T080000Z",
                   extraQuery: [QueryItem] = [], credential: String = "ak/20240305/cn-hangzhou/oss/aliyun_v4_request",
                   secret: String = "secretExample") -> SignableRequest {
        var query = [QueryItem(name: "x-oss-signature-version", value: "OSS4-HMAC-SHA256"),
                     QueryItem(name: "x-oss-credential", value: credential),
                     QueryItem(name: "x-oss-date", value: date), QueryItem(name: "x-oss-expires", value: expires)] + extraQuery
        let canonical = V4Signature.canonicalRequest(method: method, bucket: "bucket", key: "ch1/p.m3u8", query: query,
                                                     headers: [:], additionalHeaders: [])
        let scope = V4Signature.CredentialScope(parsing: credential) ?? V4SignatureTests.scope
        let stringToSign = V4Signature.stringToSign(timestamp: date, scope: scope, canonicalRequest: canonical)
        query.append(QueryItem(name: "x-oss-signature", value: V4Signature.sign(secret: secret, scope: scope, stringToSign: stringToSign)))
        return SignableRequest(method: "GET", bucket: "bucket", key: "ch1/p.m3u8", query: query, headers: [])
    }

    @Test func presignedCanonicalQueryExcludesOnlyTheSignature() throws {
        let url = "/bucket/ch1%2Fp.m3u8?x-oss-credential=ak%2F20261125%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20261125T141608Z&x-oss-expires=600&x-oss-signature=00&x-oss-signature-version=OSS4-HMAC-SHA256"
        let t = try HostResolver(baseHosts: ["127.0.0.1"]).resolve(hostHeader: "127.0.0.1", requestTarget: url)
        #expect(V4Signature.canonicalQuery(t.query, excluding: ["x-oss-signature"])
            == "x-oss-credential=ak%2F20261125%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20261125T141608Z&x-oss-expires=600&x-oss-signature-version=OSS4-HMAC-SHA256")
        #expect(V4Signature.canonicalURI(bucket: t.bucket, key: t.key) == "/bucket/ch1/p.m3u8")
    }

    @Test func presignedVerifiesUntilExpiry() throws {
        let request = presigned()
        #expect(try auth.authenticate(request, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
        #expect(try auth.authenticate(request, now: V4SignatureTests.now + 600) == .signed(accessKeyId: "ak"))
        let expired = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: V4SignatureTests.now + 601) }
        #expect(expired?.status == 403 && expired?.code == "AccessDenied")
        var tampered = request
        tampered.method = "DELETE"
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(tampered, now: V4SignatureTests.now) }?.code == "SignatureDoesNotMatch")
        let withProcess = presigned(extraQuery: [QueryItem(name: "x-oss-process", value: "image/resize,w_100")])
        #expect(try auth.authenticate(withProcess, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
    }

    @Test func presignedFailures() {
        for missing in ["x-oss-credential", "x-oss-date", "x-oss-expires", "x-oss-signature"] {
            var request = presigned()
            request.query.removeAll { $0.name == missing }
            let error = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: V4SignatureTests.now) }
            #expect(error?.status == 403 && error?.code == "AccessDenied", "\(missing)")
        }
        let max = String(Authenticator.maxV4PresignExpiresSeconds)
        #expect((try? auth.authenticate(presigned(expires: max), now: V4SignatureTests.now)) == .signed(accessKeyId: "ak"))
        for (request, code) in [
            (presigned(expires: String(Authenticator.maxV4PresignExpiresSeconds + 1)), "InvalidArgument"),
            (presigned(expires: "0"), "InvalidArgument"),
            (presigned(expires: "ten"), "InvalidArgument"),
            (presigned(date: "2024-03-05"), "InvalidArgument"),
            (presigned(credential: "ak/20240305"), "InvalidArgument"),
            (presigned(credential: "ak/20240306/cn-hangzhou/oss/aliyun_v4_request"), "AccessDenied"),
            (presigned(credential: "nobody/20240305/cn-hangzhou/oss/aliyun_v4_request"), "InvalidAccessKeyId"),
            (presigned(secret: "wrong"), "SignatureDoesNotMatch"),
        ] {
            let error = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: V4SignatureTests.now) }
            #expect(error?.code == code)
        }
        var version = presigned()
        version.query[0].value = "OSS3"
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(version, now: V4SignatureTests.now) }?.code == "InvalidArgument")
        // OSS2 in the version parameter selects the V2 presigned form, which needs its own parameters.
        version.query[0].value = "OSS2"
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(version, now: V4SignatureTests.now) }?.code == "AccessDenied")
    }

    @Test func presignedSecurityToken() throws {
        let sts = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "secretExample", securityToken: "TOK")])
        let request = presigned(extraQuery: [QueryItem(name: "x-oss-security-token", value: "TOK")])
        #expect(try sts.authenticate(request, now: V4SignatureTests.now) == .signed(accessKeyId: "ak"))
        #expect(expectOSSError { () throws(OSSError) in try sts.authenticate(presigned(), now: V4SignatureTests.now) }?.code == "AccessDenied")
    }
}
