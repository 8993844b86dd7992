import Testing
@testable import OSSProtocol

/// Spec §5.3 and wire-captures.md vectors.
@Suite struct RTMPURLSignatureTests {
    let credentials = [Credential(accessKeyId: "ak", accessKeySecret: "secretExample"),
                       Credential(accessKeyId: "AKIDEXAMPLE", accessKeySecret: "SECRETEXAMPLE")]

    @Test func specVector() throws {
        let params = [QueryItem(name: "playlistName", value: "playlist.m3u8")]
        let text = RTMPURLSignature.stringToSign(expires: 1_709_629_200, parameters: params, bucket: "demo-bucket", channel: "cam1",
                                                 includeSecurityToken: false)
        #expect(text == "1709629200\nplaylistName:playlist.m3u8\n/demo-bucket/cam1")
        #expect(RTMPURLSignature.sign(secret: "secretExample", stringToSign: text) == "BBxrAO97wCY5X8NlCV57t1P82tA=")
        let url = params + [QueryItem(name: "OSSAccessKeyId", value: "ak"), QueryItem(name: "Expires", value: "1709629200"),
                            QueryItem(name: "Signature", value: "BBxrAO97wCY5X8NlCV57t1P82tA=")]
        #expect(try RTMPURLSignature.verify(parameters: url, bucket: "demo-bucket", channel: "cam1", credentials: credentials,
                                            now: 1_709_629_200) == "ak")
    }

    @Test func stsVariantsBothAccepted() throws {
        let sts = [Credential(accessKeyId: "ak", accessKeySecret: "secretExample", securityToken: "TOKEN")]
        let base = [QueryItem(name: "playlistName", value: "playlist.m3u8"), QueryItem(name: "OSSAccessKeyId", value: "ak"),
                    QueryItem(name: "Expires", value: "1709629200"), QueryItem(name: "security-token", value: "TOKEN")]
        #expect(RTMPURLSignature.stringToSign(expires: 1_709_629_200, parameters: base, bucket: "demo-bucket", channel: "cam1",
                                              includeSecurityToken: true)
            == "1709629200\nplaylistName:playlist.m3u8\nsecurity-token:TOKEN\n/demo-bucket/cam1")
        for signature in ["ErFKgfNS3O4P0cMcviM9PfgZEC4=", "BBxrAO97wCY5X8NlCV57t1P82tA="] {
            let url = base + [QueryItem(name: "Signature", value: signature)]
            #expect(try RTMPURLSignature.verify(parameters: url, bucket: "demo-bucket", channel: "cam1", credentials: sts, now: 0) == "ak")
        }
        let noToken = base.filter { $0.name != "security-token" } + [QueryItem(name: "Signature", value: "BBxrAO97wCY5X8NlCV57t1P82tA=")]
        #expect(expectOSSError { () throws(OSSError) in
            try RTMPURLSignature.verify(parameters: noToken, bucket: "demo-bucket", channel: "cam1", credentials: sts, now: 0)
        }?.code == "AccessDenied")
    }

    /// wire-captures.md: oss2 and Go SignRtmpURL output, parsed as the RTMP server would.
    @Test func sdkURLsVerify() throws {
        let urls = [
            ("playlistName=playlist.m3u8&OSSAccessKeyId=AKIDEXAMPLE&Expires=1795620102&Signature=7AAO1PQxL5aIj8M0CYunrRSORPw%3D", Int64(1_795_620_102)),
            ("Expires=1795620148&OSSAccessKeyId=AKIDEXAMPLE&Signature=xV0wM%2Fd4D42RN4UcaZcWAY6p7ZY%3D&playlistName=playlist.m3u8", Int64(1_795_620_148)),
        ]
        for (query, expires) in urls {
            let params = try #require(QueryItem.parse(query[...]))
            #expect(try RTMPURLSignature.verify(parameters: params, bucket: "bkt", channel: "mychannel", credentials: credentials,
                                                now: expires) == "AKIDEXAMPLE")
            let expired = expectOSSError { () throws(OSSError) in
                try RTMPURLSignature.verify(parameters: params, bucket: "bkt", channel: "mychannel", credentials: credentials, now: expires + 1)
            }
            #expect(expired?.status == 403 && expired?.code == "AccessDenied")
            let otherChannel = expectOSSError { () throws(OSSError) in
                try RTMPURLSignature.verify(parameters: params, bucket: "bkt", channel: "other", credentials: credentials, now: 0)
            }
            #expect(otherChannel?.code == "SignatureDoesNotMatch")
            #expect(otherChannel?.detail("StringToSign") == "\(expires)\nplaylistName:playlist.m3u8\n/bkt/other")
        }
    }

    @Test func rawNamesAndSortedParameters() {
        let params = [QueryItem(name: "zeta", value: "1"), QueryItem(name: "playlistName", value: "play list.m3u8"),
                      QueryItem(name: "alpha", value: nil), QueryItem(name: "zeta", value: "2")]
        #expect(RTMPURLSignature.stringToSign(expires: 5, parameters: params, bucket: "b", channel: "test channel", includeSecurityToken: false)
            == "5\nalpha:\nplaylistName:play list.m3u8\nzeta:1\n/b/test channel")
        #expect(RTMPURLSignature.stringToSign(expires: 5, parameters: [], bucket: "b", channel: "c", includeSecurityToken: false) == "5\n/b/c")
    }

    @Test func failures() {
        let good = [QueryItem(name: "OSSAccessKeyId", value: "ak"), QueryItem(name: "Expires", value: "100"),
                    QueryItem(name: "Signature", value: "x")]
        func code(_ params: [QueryItem], now: Int64 = 0) -> String? {
            expectOSSError { () throws(OSSError) in
                try RTMPURLSignature.verify(parameters: params, bucket: "b", channel: "c", credentials: credentials, now: now)
            }?.code
        }
        for missing in ["OSSAccessKeyId", "Expires", "Signature"] {
            #expect(code(good.filter { $0.name != missing }) == "AccessDenied")
        }
        #expect(code(good.map { $0.name == "Expires" ? QueryItem(name: "Expires", value: "later") : $0 }) == "AccessDenied")
        #expect(code(good, now: 101) == "AccessDenied")
        #expect(code(good.map { $0.name == "OSSAccessKeyId" ? QueryItem(name: "OSSAccessKeyId", value: "nobody") : $0 }) == "InvalidAccessKeyId")
        #expect(code(good) == "SignatureDoesNotMatch")
        #expect(RTMPURLSignature.isSigned(good))
        #expect(!RTMPURLSignature.isSigned([QueryItem(name: "playlistName", value: "p.m3u8")]))
    }

    @Test func signedParametersRoundTrip() throws {
        let sts = Credential(accessKeyId: "ak", accessKeySecret: "secretExample", securityToken: "T")
        let params = RTMPURLSignature.signedParameters(credential: sts, expires: 200, parameters: [QueryItem(name: "playlistName", value: "a.m3u8")],
                                                       bucket: "b", channel: "c")
        #expect(params.value("security-token") == "T")
        #expect(try RTMPURLSignature.verify(parameters: params, bucket: "b", channel: "c", credentials: [sts], now: 200) == "ak")
    }
}
