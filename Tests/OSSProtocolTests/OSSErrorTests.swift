import Testing
@testable import OSSProtocol

@Suite struct OSSErrorTests {
    @Test func bodyHasMandatoryChildrenThenDetailsThenEC() {
        var error = OSSError.noSuchBucket("demo-bucket")
        error.ec = "0015-00000101"
        let body = text(error.xmlBody(requestId: "65E6D1C0A1B2C3D4E5F60718", hostId: "demo-bucket.localhost:9000"))
        #expect(body == declaration + "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message>"
            + "<RequestId>65E6D1C0A1B2C3D4E5F60718</RequestId><HostId>demo-bucket.localhost:9000</HostId>"
            + "<BucketName>demo-bucket</BucketName><EC>0015-00000101</EC></Error>")
    }

    @Test func headErrorHeaderIsBase64OfTheBody() {
        let error = OSSError.noSuchKey("k")
        // base64 of the body below, computed independently.
        #expect(text(error.xmlBody(requestId: "R", hostId: "H")) == declaration + "<Error><Code>NoSuchKey</Code>"
            + "<Message>The specified key does not exist.</Message><RequestId>R</RequestId><HostId>H</HostId><Key>k</Key></Error>")
        #expect(error.errHeaderValue(requestId: "R", hostId: "H") == "PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iVVRGLTgiPz4KPEVycm9yPjxDb2RlPk5vU3VjaEtleTwvQ29kZT48TWVzc2FnZT5UaGUgc3BlY2lmaWVkIGtleSBkb2VzIG5vdCBleGlzdC48L01lc3NhZ2U+PFJlcXVlc3RJZD5SPC9SZXF1ZXN0SWQ+PEhvc3RJZD5IPC9Ib3N0SWQ+PEtleT5rPC9LZXk+PC9FcnJvcj4=")
    }

    @Test func bodyEscapesMarkup() {
        let body = text(OSSError.noSuchKey("a<b>&\"c'").xmlBody(requestId: "R", hostId: "H"))
        #expect(body.contains("<Key>a&lt;b&gt;&amp;&quot;c&apos;</Key>"))
        #expect(!body.contains("<EC>"))
    }

    /// (status, code) pairs the SDKs map to exception classes (spec §1.6, §4, §8).
    static let catalogue: [(OSSError, Int, String)] = [
        (.noSuchBucket("b"), 404, "NoSuchBucket"),
        (.noSuchKey("k"), 404, "NoSuchKey"),
        (.noSuchLiveChannel("c"), 404, "NoSuchLiveChannel"),
        (.bucketAlreadyExists("b"), 409, "BucketAlreadyExists"),
        (.bucketNotEmpty("b"), 409, "BucketNotEmpty"),
        (.channelStillLive("c"), 409, "ChannelStillLive"),
        (.liveChannelDisabled("c"), 409, "LiveChannelDisabled"),
        (.invalidBucketName("B"), 400, "InvalidBucketName"),
        (.invalidObjectName("/k"), 400, "InvalidObjectName"),
        (.invalidArgument("x"), 400, "InvalidArgument"),
        (.invalidURI("x"), 400, "InvalidURI"),
        (.malformedXML("x"), 400, "MalformedXML"),
        (.invalidDigest(provided: "x"), 400, "InvalidDigest"),
        (.entityTooLarge, 400, "EntityTooLarge"),
        (.entityTooLarge(maxSize: 5), 400, "EntityTooLarge"),
        (.badRequest("x"), 400, "InvalidRequest"),
        (.missingContentLength, 411, "MissingContentLength"),
        (.accessDenied("x"), 403, "AccessDenied"),
        (.requestExpired(expires: "1", serverTime: 2), 403, "AccessDenied"),
        (.invalidAccessKeyId("ak"), 403, "InvalidAccessKeyId"),
        (.requestTimeTooSkewed(requestTime: "t", serverTime: 0, maxAllowedSkewSeconds: 900), 403, "RequestTimeTooSkewed"),
        (.signatureDoesNotMatch(stringToSign: "s", provided: "p", accessKeyId: "a"), 403, "SignatureDoesNotMatch"),
        (.methodNotAllowed, 405, "MethodNotAllowed"),
        (.methodNotAllowed(method: "PATCH", resourceType: "Object"), 405, "MethodNotAllowed"),
        (.preconditionFailed, 412, "PreconditionFailed"),
        (.invalidRange, 416, "InvalidRange"),
        (.invalidRange(objectSize: 3), 416, "InvalidRange"),
        (.notImplemented("x-oss-foo"), 501, "NotImplemented"),
        (.internalError("disk"), 500, "InternalError"),
    ]

    @Test func catalogueStatusesAndCodes() {
        for (error, status, code) in OSSErrorTests.catalogue {
            #expect(error.status == status, "\(code)")
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func signatureMismatchCarriesStringToSignAndItsBytes() {
        let error = OSSError.signatureDoesNotMatch(stringToSign: "GET\n/b/", provided: "abc=", accessKeyId: "ak")
        #expect(error.details.map(\.name) == ["StringToSign", "SignatureProvided", "StringToSignBytes", "OSSAccessKeyId"])
        #expect(error.detail("StringToSignBytes") == "47 45 54 0a 2f 62 2f")
        #expect(error.detail("SignatureProvided") == "abc=")
        let v4 = OSSError.signatureDoesNotMatch(stringToSign: "s", provided: "p", accessKeyId: "a", canonicalRequest: "GET")
        #expect(v4.detail("CanonicalRequest") == "GET")
        #expect(v4.details.last?.name == "OSSAccessKeyId")
    }

    @Test func invalidArgumentNamesTheArgument() {
        let error = OSSError.invalidArgument("bad", name: "max-keys", value: "-1")
        #expect(error.details == [OSSErrorDetail(name: "ArgumentName", value: "max-keys"),
                                  OSSErrorDetail(name: "ArgumentValue", value: "-1")])
        #expect(OSSError.invalidArgument("bad").details.isEmpty)
    }
}
