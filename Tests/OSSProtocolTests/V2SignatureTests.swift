import Testing
@testable import OSSProtocol

/// OSS2 signatures as oss2's AuthV2 computes them (its signed requests are in OSS2Vectors.swift).
@Suite struct V2SignatureTests {
    static let date = "Tue, 05 Mar 2024 08:00:00 GMT"
    static let now: Int64 = 1_709_625_600
    let auth = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "secretExample")])

    @Test func resourceEncodesSlashesAndSignsEveryParameter() {
        let query = [QueryItem(name: "live", value: ""), QueryItem(name: "prefix", value: "a b"), QueryItem(name: "max-keys", value: "5")]
        #expect(V2Signature.canonicalizedResource(bucket: "bkt", key: nil, query: query) == "%2Fbkt%2F?live&max-keys=5&prefix=a%20b")
        #expect(V2Signature.canonicalizedResource(bucket: "bkt", key: "ch 1/p.m3u8", query: []) == "%2Fbkt%2Fch%201%2Fp.m3u8")
        #expect(V2Signature.canonicalizedResource(bucket: nil, key: nil, query: []) == "%2F")
        let text = V2Signature.stringToSign(method: "GET", headers: ["x-oss-meta-a": "1", "range": "bytes=0-1", "host": "h"],
                                            date: "D", additionalHeaders: ["range"], bucket: "bkt", key: "k", query: [])
        #expect(text == "GET\n\n\nD\nrange:bytes=0-1\nx-oss-meta-a:1\nrange\n%2Fbkt%2Fk")
    }

    func signed(_ request: SignableRequest, additional: [String] = []) -> SignableRequest {
        var copy = request
        let text = V2Signature.stringToSign(method: request.method, headers: request.normalizedHeaders(), date: V2SignatureTests.date,
                                            additionalHeaders: additional, bucket: request.bucket, key: request.key, query: request.query)
        let extra = additional.isEmpty ? "" : ",AdditionalHeaders:" + additional.joined(separator: ";")
        copy.headers.append(("Authorization", "OSS2 AccessKeyId:ak\(extra),Signature:" + V2Signature.sign(secret: "secretExample", stringToSign: text)))
        return copy
    }

    @Test func headerVerifiesAndFails() {
        let base = SignableRequest(method: "GET", bucket: "demo-bucket", key: "cam1",
                                   query: [QueryItem(name: "live", value: nil), QueryItem(name: "comp", value: "stat")],
                                   headers: [("Date", V2SignatureTests.date), ("Range", "bytes=0-1")])
        let request = signed(base, additional: ["range"])
        #expect((try? auth.authenticate(request, now: V2SignatureTests.now)) == .signed(accessKeyId: "ak"))
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: V2SignatureTests.now + 901) }?.code == "RequestTimeTooSkewed")
        var tampered = request
        tampered.query.append(QueryItem(name: "prefix", value: "x"))   // V2 signs every parameter
        let mismatch = expectOSSError { () throws(OSSError) in try auth.authenticate(tampered, now: V2SignatureTests.now) }
        #expect(mismatch?.code == "SignatureDoesNotMatch")
        #expect(mismatch?.detail("StringToSign")?.hasSuffix("%2Fdemo-bucket%2Fcam1?comp=stat&live&prefix=x") == true)
        var noDate = signed(SignableRequest(method: "GET", bucket: "b", key: nil, query: [], headers: []))
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(noDate, now: V2SignatureTests.now) }?.code == "AccessDenied")
        noDate.headers = [("Date", V2SignatureTests.date), ("Authorization", "OSS2 AccessKeyId:nobody,Signature:x")]
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(noDate, now: V2SignatureTests.now) }?.code == "InvalidAccessKeyId")
    }

    @Test func presignedExpiry() {
        var query = [QueryItem(name: "x-oss-signature-version", value: "OSS2"), QueryItem(name: "x-oss-expires", value: "1000"),
                     QueryItem(name: "x-oss-access-key-id", value: "ak")]
        let text = V2Signature.stringToSign(method: "GET", headers: [:], date: "1000", additionalHeaders: [], bucket: "b", key: "k",
                                            query: query)
        query.append(QueryItem(name: "x-oss-signature", value: V2Signature.sign(secret: "secretExample", stringToSign: text)))
        let request = SignableRequest(method: "GET", bucket: "b", key: "k", query: query, headers: [])
        #expect((try? auth.authenticate(request, now: 1000)) == .signed(accessKeyId: "ak"))
        let expired = expectOSSError { () throws(OSSError) in try auth.authenticate(request, now: 1001) }
        #expect(expired?.code == "AccessDenied" && expired?.message == "Request has expired.")
        var missing = request
        missing.query.removeAll { $0.name == "x-oss-access-key-id" }
        #expect(expectOSSError { () throws(OSSError) in try auth.authenticate(missing, now: 0) }?.code == "AccessDenied")
    }
}
