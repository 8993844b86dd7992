import Foundation
import Logging
import OSSProtocol
import Storage
import Testing
@testable import Emulator

/// Every signature form a real SDK sends, end to end through the emulator over
/// raw sockets: Go-style V4 (RFC 1123 `Date`, no `x-oss-date`), oss2-style V4
/// (`x-oss-date`), V4 presigned URLs, STS tokens, any region, virtual-hosted
/// and absolute-form addressing.
@Suite struct SignatureFormsTests {
    static let longTerm = Credential(accessKeyId: "long-term-id", accessKeySecret: "long-term-secret")
    static let sts = Credential(accessKeyId: "STS.temporary", accessKeySecret: "temporary-secret", securityToken: "CAIS+token/abc==")

    final class Running {
        let emulator: Emulator
        let port: UInt16
        init() throws {
            var configuration = EmulatorConfiguration()
            configuration.port = 0
            configuration.rtmpPort = 0
            configuration.ephemeral = true
            configuration.credentials = [SignatureFormsTests.longTerm, SignatureFormsTests.sts]
            configuration.buckets = [BucketSpec(name: "bkt")]
            var logger = Logger(label: "signature-forms")
            logger.logLevel = .error
            emulator = Emulator(configuration: configuration, logger: logger)
            port = try emulator.start().httpPort
            _ = try emulator.store?.putObject(bucket: "bkt", key: "dir/a b+c.txt", bytes: Array("payload".utf8), metadata: ObjectMetadata())
        }
        deinit { emulator.stop() }

        func send(_ bytes: [UInt8]) throws -> RawHTTPResponse {
            let connection = try RawHTTPConnection(port: port)
            connection.send(bytes)
            return try connection.readResponse()
        }

        /// "STATUS CODE" ("200 -" on success), easy to compare.
        func outcome(_ bytes: [UInt8]) throws -> String {
            let response = try send(bytes)
            return "\(response.status) \(response.code ?? "-")"
        }
    }

    enum Timestamp {
        /// Go v3: the RFC 1123 `Date` header, signed verbatim.
        case dateHeader
        /// oss2 and Java: `x-oss-date` in ISO 8601 basic form.
        case ossDate
    }

    /// A V4 header-signed request as the SDKs build it.
    static func v4Request(_ method: String, target: String, host: String, bucket: String, key: String?, query: [QueryItem] = [],
                          credential: Credential, region: String, timestamp: Timestamp, offsetSeconds: Int64 = 0,
                          scopeDateOffsetDays: Int64 = 0, token: String? = nil, secret: String? = nil) -> [UInt8] {
        let now = Int64(Date().timeIntervalSince1970) + offsetSeconds
        var headers: [(String, String)] = [("x-oss-content-sha256", V4Signature.unsignedPayload)]
        let stamp: String
        switch timestamp {
        case .dateHeader:
            stamp = OSSTime.httpDate(now)
            headers.append(("Date", stamp))
        case .ossDate:
            stamp = OSSTime.iso8601Basic(now)
            headers.append(("x-oss-date", stamp))
        }
        if let token { headers.append(("x-oss-security-token", token)) }
        let scope = V4Signature.CredentialScope(
            accessKeyId: credential.accessKeyId, date: OSSTime.scopeDate(now + scopeDateOffsetDays * 86_400), region: region)
        var canonicalHeaders: [String: String] = [:]
        for (name, value) in headers { canonicalHeaders[name.lowercased()] = value }
        let canonical = V4Signature.canonicalRequest(
            method: method, bucket: bucket, key: key, query: query, excludingQuery: [], headers: canonicalHeaders, additionalHeaders: [])
        let stringToSign = V4Signature.stringToSign(timestamp: stamp, scope: scope, canonicalRequest: canonical)
        let signature = V4Signature.sign(secret: secret ?? credential.accessKeySecret, scope: scope, stringToSign: stringToSign)
        headers.append(("Authorization", "\(V4Signature.algorithm) Credential=\(credential.accessKeyId)/\(scope.scope),Signature=\(signature)"))
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    static let encodedKey = "dir%2Fa%20b%2Bc.txt"

    @Test(arguments: [Timestamp.dateHeader, .ossDate], ["cn-hangzhou", "eu-central-1", "us-west-1"])
    func v4HeaderInBothTimestampFormsAndAnyRegion(timestamp: Timestamp, region: String) throws {
        let running = try Running()
        let request = Self.v4Request("GET", target: "/bkt/\(Self.encodedKey)", host: "127.0.0.1:\(running.port)", bucket: "bkt",
                                     key: "dir/a b+c.txt", credential: Self.longTerm, region: region, timestamp: timestamp)
        let response = try running.send(request)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.body == Array("payload".utf8))
    }

    @Test func v4VirtualHostedThroughAProxy() throws {
        let running = try Running()
        let host = "bkt.oss-cn-hangzhou.aliyuncs.com"
        let query = [QueryItem(name: "prefix", value: "dir/"), QueryItem(name: "list-type", value: "2")]
        let request = Self.v4Request("GET", target: "http://\(host)/?prefix=dir%2F&list-type=2", host: host, bucket: "bkt", key: nil,
                                     query: query, credential: Self.longTerm, region: "cn-hangzhou", timestamp: .dateHeader)
        let response = try running.send(request)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("<Key>dir/a b+c.txt</Key>"))
        #expect(response.header("x-oss-request-id")?.count == 24)
    }

    @Test(arguments: [Timestamp.dateHeader, .ossDate])
    func v4Refusals(timestamp: Timestamp) throws {
        let running = try Running()
        let target = "/bkt/\(Self.encodedKey)", host = "127.0.0.1:\(running.port)", key = "dir/a b+c.txt"
        let skewed = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                    region: "cn-hangzhou", timestamp: timestamp, offsetSeconds: -16 * 60)
        let skewedOutcome = try running.outcome(skewed)
        #expect(skewedOutcome == "403 RequestTimeTooSkewed")
        let withinSkew = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                        region: "cn-hangzhou", timestamp: timestamp, offsetSeconds: -14 * 60)
        let withinSkewOutcome = try running.outcome(withinSkew)
        #expect(withinSkewOutcome == "200 -")
        let wrongDay = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                      region: "cn-hangzhou", timestamp: timestamp, scopeDateOffsetDays: -1)
        let wrongDayOutcome = try running.outcome(wrongDay)
        #expect(wrongDayOutcome == "403 AccessDenied")
        let wrongSecret = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                         region: "cn-hangzhou", timestamp: timestamp, secret: "nope")
        let wrongSecretOutcome = try running.outcome(wrongSecret)
        #expect(wrongSecretOutcome == "403 SignatureDoesNotMatch")
        let otherKey = Self.v4Request("GET", target: "/bkt/dir%2Fother", host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                      region: "cn-hangzhou", timestamp: timestamp)
        let otherKeyOutcome = try running.outcome(otherKey)
        #expect(otherKeyOutcome == "403 SignatureDoesNotMatch")
    }

    @Test(arguments: [Timestamp.dateHeader, .ossDate])
    func stsTokenMustMatch(timestamp: Timestamp) throws {
        let running = try Running()
        let target = "/bkt/\(Self.encodedKey)", host = "127.0.0.1:\(running.port)", key = "dir/a b+c.txt"
        let good = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.sts,
                                  region: "cn-hangzhou", timestamp: timestamp, token: Self.sts.securityToken)
        let goodOutcome = try running.outcome(good)
        #expect(goodOutcome == "200 -")
        let wrong = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.sts,
                                   region: "cn-hangzhou", timestamp: timestamp, token: "CAIS+another")
        let refused = try running.send(wrong)
        #expect(refused.status == 403 && refused.code == "InvalidSecurityToken")
        let missing = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.sts,
                                     region: "cn-hangzhou", timestamp: timestamp)
        let missingOutcome = try running.outcome(missing)
        #expect(missingOutcome == "403 AccessDenied")
        // A long-term credential needs no token.
        let longTerm = Self.v4Request("GET", target: target, host: host, bucket: "bkt", key: key, credential: Self.longTerm,
                                      region: "cn-hangzhou", timestamp: timestamp)
        let longTermOutcome = try running.outcome(longTerm)
        #expect(longTermOutcome == "200 -")
    }

    /// A V4 presigned URL as oss2 and Go build it; the STS token travels in the query.
    @Test func v4PresignedURLs() throws {
        let running = try Running()
        func presigned(credential: Credential, token: String?, expires: Int64 = 600, signedAgo: Int64 = 0, key: String = "dir/a b+c.txt") -> [UInt8] {
            let now = Int64(Date().timeIntervalSince1970) - signedAgo
            let scope = V4Signature.CredentialScope(accessKeyId: credential.accessKeyId, date: OSSTime.scopeDate(now), region: "ap-southeast-1")
            var query = [QueryItem(name: "x-oss-signature-version", value: V4Signature.algorithm),
                         QueryItem(name: "x-oss-credential", value: credential.accessKeyId + "/" + scope.scope),
                         QueryItem(name: "x-oss-date", value: OSSTime.iso8601Basic(now)),
                         QueryItem(name: "x-oss-expires", value: String(expires))]
            if let token { query.append(QueryItem(name: "x-oss-security-token", value: token)) }
            let canonical = V4Signature.canonicalRequest(method: "GET", bucket: "bkt", key: key, query: query, excludingQuery: [],
                                                         headers: [:], additionalHeaders: [])
            let stringToSign = V4Signature.stringToSign(timestamp: OSSTime.iso8601Basic(now), scope: scope, canonicalRequest: canonical)
            query.append(QueryItem(name: "x-oss-signature", value: V4Signature.sign(secret: credential.accessKeySecret, scope: scope,
                                                                                   stringToSign: stringToSign)))
            let queryText = query.map { "\($0.name)=\(PercentEncoding.encodeRFC3986($0.value ?? "", keepSlash: false))" }.joined(separator: "&")
            return Array("GET /bkt/\(Self.encodedKey)?\(queryText) HTTP/1.1\r\nHost: 127.0.0.1:\(running.port)\r\nConnection: close\r\n\r\n".utf8)
        }
        let outcomes = try [
            running.outcome(presigned(credential: Self.longTerm, token: nil)),
            running.outcome(presigned(credential: Self.sts, token: Self.sts.securityToken)),
            running.outcome(presigned(credential: Self.sts, token: "CAIS+another")),
            running.outcome(presigned(credential: Self.sts, token: nil)),
            running.outcome(presigned(credential: Self.longTerm, token: nil, expires: 60, signedAgo: 120)),
            running.outcome(presigned(credential: Self.longTerm, token: nil, key: "dir/other")),
        ]
        #expect(outcomes == ["200 -", "200 -", "403 InvalidSecurityToken", "403 AccessDenied", "403 AccessDenied", "403 SignatureDoesNotMatch"])
    }
}
