import Foundation
import Locking
import Logging
import OSSProtocol
import Storage
import Testing
import Transport
@testable import Emulator

/// One abusive or malformed exchange over a raw socket.
struct HostileCase: CustomStringConvertible {
    enum Step {
        case send([UInt8])
        case pause(milliseconds: Int)
    }

    enum Outcome {
        /// The last response has this status (and OSS error code), then the server closes.
        case answer(Int, code: String?)
        /// The server closes without answering.
        case closesSilently
        /// These statuses in order (interim ones included), then the server closes.
        case answers([Int])
    }

    var description: String
    var steps: [Step]
    var outcome: Outcome
    /// A check of its own after the exchange (e.g. that nothing escaped the data directory).
    var verify: (() throws -> Void)?

    init(_ description: String, _ steps: [Step], _ outcome: Outcome, verify: (() throws -> Void)? = nil) {
        self.description = description
        self.steps = steps
        self.outcome = outcome
        self.verify = verify
    }

    init(_ description: String, _ bytes: [UInt8], _ outcome: Outcome, verify: (() throws -> Void)? = nil) {
        self.init(description, [.send(bytes)], outcome, verify: verify)
    }
}

/// Builds raw requests, signed with V1 when asked.
struct RequestForge {
    let port: UInt16
    let keyId: String
    let secret: String

    var host: String { "127.0.0.1:\(port)" }

    static func date(offsetSeconds: Int64 = 0) -> String {
        OSSTime.httpDate(Int64(Date().timeIntervalSince1970) + offsetSeconds)
    }

    func authorization(_ method: String, bucket: String?, key: String?, query: [QueryItem] = [],
                       headers: [(String, String)], date: String, secret: String? = nil, keyId: String? = nil) -> String {
        var lowered: [String: String] = [:]
        for (name, value) in headers where lowered[name.lowercased()] == nil { lowered[name.lowercased()] = value }
        let stringToSign = V1Signature.stringToSign(
            method: method, contentMD5: lowered["content-md5"] ?? "", contentType: lowered["content-type"] ?? "",
            date: date, ossHeaders: lowered, bucket: bucket, key: key, query: query)
        return "OSS \(keyId ?? self.keyId):\(V1Signature.sign(secret: secret ?? self.secret, stringToSign: stringToSign))"
    }

    /// `METHOD target HTTP/1.1` with Host, the given headers, Content-Length for a body,
    /// `Connection: close`, and a V1 signature for `bucket`/`key` when `signed`.
    func request(_ method: String, _ target: String, bucket: String? = nil, key: String? = nil, query: [QueryItem] = [],
                 headers: [(String, String)] = [], body: [UInt8] = [], signed: Bool = false, close: Bool = true) -> [UInt8] {
        var all = headers
        if signed {
            let date = Self.date()
            all.append(("Date", date))
            all.append(("Authorization", authorization(method, bucket: bucket, key: key, query: query, headers: all, date: date)))
        }
        if !body.isEmpty && !all.contains(where: { $0.0.lowercased() == "content-length" || $0.0.lowercased() == "transfer-encoding" }) {
            all.append(("Content-Length", String(body.count)))
        }
        if close { all.append(("Connection", "close")) }
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in all { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    /// A head written by hand, for lines no well-formed request would have.
    func head(_ lines: String...) -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }
}

/// A client doing ordinary signed PUT/GET round trips the whole time the
/// hostile cases run; every one of them must succeed, promptly.
final class WellBehavedClient: @unchecked Sendable {
    struct Record {
        var roundTrips = 0
        var failures: [String] = []
        var slowest: Duration = .zero
    }

    private let forge: RequestForge
    private let state = Locked((stop: false, record: Record()))
    private let finished = DispatchSemaphore(value: 0)

    init(forge: RequestForge) { self.forge = forge }

    func start() {
        Thread.detachNewThread { [self] in
            var index = 0
            while !state.withLock({ $0.stop }) {
                let started = ContinuousClock.now
                let failure = roundTrip(index)
                let elapsed = ContinuousClock.now - started
                state.withLock {
                    $0.record.roundTrips += 1
                    if let failure { $0.record.failures.append(failure) }
                    if elapsed > $0.record.slowest { $0.record.slowest = elapsed }
                }
                index += 1
                usleep(5_000)
            }
            finished.signal()
        }
    }

    func stop() -> Record {
        state.withLock { $0.stop = true }
        finished.wait()
        return state.withLock { $0.record }
    }

    private func roundTrip(_ index: Int) -> String? {
        let key = "obj-\(index % 8)"
        let body = (0..<6000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        do {
            let connection = try RawHTTPConnection(port: forge.port, receiveTimeout: .seconds(5))
            connection.send(forge.request("PUT", "/healthy/\(key)", bucket: "healthy", key: key, body: body, signed: true, close: false))
            let put = try connection.readResponse()
            guard put.status == 200 else { return "PUT \(key): \(put.status) \(put.code ?? "")" }
            connection.send(forge.request("GET", "/healthy/\(key)", bucket: "healthy", key: key, signed: true))
            let get = try connection.readResponse()
            guard get.status == 200, get.body == body else { return "GET \(key): \(get.status) \(get.body.count) bytes" }
            return nil
        } catch {
            return "round trip \(index): \(error)"
        }
    }
}

@Suite(.serialized) struct HostileInputTests {
    /// Small limits so the slow and silent cases take milliseconds.
    static let limits = HTTPLimits(
        maxHeaderBytes: 4096, maxHeaderCount: 24, maxBodyBytes: 256 * 1024, inMemoryBodyLimit: 4096,
        headerTimeout: .milliseconds(300), bodyIdleTimeout: .milliseconds(300), keepAliveIdleTimeout: .milliseconds(400),
        writeIdleTimeout: .milliseconds(400), lingerTimeout: .seconds(1), maxConnections: 512,
        maxPipelinedRequests: 4)
    static let keyId = "hostile-key"
    static let secret = "hostile-secret"

    @Test func hostileRequestsGetTheirAnswerWhileAWellBehavedClientIsServed() throws {
        var configuration = EmulatorConfiguration()
        configuration.port = 0
        configuration.rtmpPort = 0
        configuration.ephemeral = true
        configuration.limits = Self.limits
        configuration.credentials = [Credential(accessKeyId: Self.keyId, accessKeySecret: Self.secret)]
        configuration.buckets = [BucketSpec(name: "healthy"), BucketSpec(name: "open", acl: .publicReadWrite),
                                 BucketSpec(name: "closed")]
        var logger = Logger(label: "hostile-input")
        logger.logLevel = .error
        let emulator = Emulator(configuration: configuration, logger: logger)
        let endpoints = try emulator.start()
        defer { emulator.stop() }
        let store = try #require(emulator.store)
        _ = try store.putObject(bucket: "closed", key: "secret.txt", bytes: Array("top secret".utf8), metadata: ObjectMetadata())
        _ = try store.putObject(bucket: "open", key: "big.bin", bytes: [UInt8](repeating: 0x5A, count: 16 << 20),
                                metadata: ObjectMetadata())

        let forge = RequestForge(port: endpoints.httpPort, keyId: Self.keyId, secret: Self.secret)
        let cases = Self.cases(forge, store: store, dataDirectory: endpoints.dataDirectory)
        #expect(cases.count >= 40)

        let client = WellBehavedClient(forge: forge)
        client.start()
        let started = ContinuousClock.now
        for hostile in cases {
            try run(hostile, port: endpoints.httpPort)
        }
        try floodOfSilentConnections(port: endpoints.httpPort, count: 40)
        try readerThatStopsReading(port: endpoints.httpPort, forge: forge)
        let record = client.stop()
        let elapsed = ContinuousClock.now - started

        #expect(record.failures.isEmpty, "\(record.failures)")
        #expect(record.roundTrips >= 10, "only \(record.roundTrips) round trips in \(elapsed)")
        #expect(record.slowest < .seconds(2), "slowest well-behaved round trip took \(record.slowest)")
        #expect(elapsed < .seconds(10))
        // The server is still healthy afterwards.
        let last = try RawHTTPConnection(port: endpoints.httpPort)
        last.send(forge.request("GET", "/_emulator/health"))
        let health = try last.readResponse()
        #expect(health.status == 200)
    }

    private func run(_ hostile: HostileCase, port: UInt16) throws {
        let connection = try RawHTTPConnection(port: port, receiveTimeout: .seconds(3))
        steps: for step in hostile.steps {
            switch step {
            case .send(let bytes):
                if !connection.send(bytes) { break steps }
            case .pause(let milliseconds):
                usleep(UInt32(milliseconds) * 1000)
            }
        }
        let (bytes, end) = connection.readUntilClosed()
        let responses = RawHTTPResponse.parseAll(bytes)
        let what = "\(hostile): got \(responses.map(\.status)) \(responses.last?.code ?? "-"), \(end), "
            + String(decoding: bytes.prefix(400), as: UTF8.self)
        #expect(end != .timedOut, "the connection was left open — \(what)")
        switch hostile.outcome {
        case .answer(let status, let code):
            let last = responses.last
            #expect(last?.status == status, "\(what)")
            if let code { #expect(last?.code == code, "\(what)") }
            let complete = responses.allSatisfy { $0.complete }
            #expect(complete, "\(what)")
        case .closesSilently:
            #expect(responses.isEmpty, "\(what)")
        case .answers(let statuses):
            #expect(responses.map(\.status) == statuses, "\(what)")
        }
        try hostile.verify?()
    }

    /// Many connections that never send a byte are all dropped at the header timeout.
    private func floodOfSilentConnections(port: UInt16, count: Int) throws {
        let connections = try (0..<count).map { _ in try RawHTTPConnection(port: port, receiveTimeout: .seconds(3)) }
        for connection in connections {
            let (bytes, end) = connection.readUntilClosed()
            #expect(bytes.isEmpty && end != .timedOut, "silent connection: \(bytes.count) bytes, \(end)")
        }
    }

    /// A client that asks for a big object and stops reading is cut off at the write timeout.
    private func readerThatStopsReading(port: UInt16, forge: RequestForge) throws {
        let connection = try RawHTTPConnection(port: port, receiveTimeout: .seconds(3), receiveBuffer: 4096)
        connection.send(forge.request("GET", "/open/big.bin", close: false))
        usleep(900_000)
        let (bytes, end) = connection.readUntilClosed(limit: 64 << 20)
        #expect(end != .timedOut)
        #expect(bytes.count < 16 << 20, "the whole object arrived although the client stopped reading")
    }

    // MARK: - The table

    static func cases(_ f: RequestForge, store: ObjectStore, dataDirectory: String) -> [HostileCase] {
        let host = "Host: \(f.host)"
        let longKey = String(repeating: "k", count: NameRules.maxObjectKeyBytes + 1)
        let fileManager = FileManager.default
        /// The object of `key` (which climbs out of bucket `open`) stays inside the bucket.
        func staysInside(_ key: String, name: String) -> () throws -> Void {
            {
                var directory = dataDirectory + "/open"
                for _ in 0..<4 {
                    directory += "/.."
                    let path = (directory as NSString).standardizingPath + "/" + name
                    #expect(!fileManager.fileExists(atPath: path), "\(path) was written")
                }
                let stored = try store.readObject(bucket: "open", key: key)
                #expect(stored == Array("x".utf8))
            }
        }
        let chunkedHead = "PUT /open/chunked HTTP/1.1\r\n\(host)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        func chunked(_ body: String) -> [UInt8] { Array((chunkedHead + body).utf8) }

        return [
            // Request lines.
            HostileCase("garbage request line", Array("GARBAGE\r\n\r\n".utf8), .answer(400, code: "InvalidRequest")),
            HostileCase("HTTP/0.9 style line", Array("GET /\r\n\r\n".utf8), .answer(400, code: "InvalidRequest")),
            HostileCase("HTTP/2.0 version", f.head("GET / HTTP/2.0", host), .answer(400, code: "InvalidRequest")),
            HostileCase("HTTP/1.12 version", f.head("GET / HTTP/1.12", host), .answer(400, code: "InvalidRequest")),
            HostileCase("extra word in request line", f.head("GET / HTTP/1.1 extra", host), .answer(400, code: "InvalidRequest")),
            HostileCase("space in target", f.head("GET /open/a b HTTP/1.1", host), .answer(400, code: "InvalidRequest")),
            HostileCase("bad method byte", f.head("G(T /open/x HTTP/1.1", host), .answer(400, code: "InvalidRequest")),
            HostileCase("control byte in target", f.head("GET /open/\u{01} HTTP/1.1", host), .answer(400, code: "InvalidRequest")),
            HostileCase("NUL in request line", f.head("GET /open/\u{0}x HTTP/1.1", host), .answer(400, code: "InvalidRequest")),
            HostileCase("request line over the header limit", f.head("GET /" + String(repeating: "a", count: 5000) + " HTTP/1.1", host),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("bad percent-encoding in the path", f.request("GET", "/open/%zz"), .answer(400, code: "InvalidURI")),
            HostileCase("truncated percent-encoding", f.request("GET", "/open/a%2"), .answer(400, code: "InvalidURI")),
            HostileCase("asterisk target", f.request("OPTIONS", "*"), .answer(400, code: "InvalidURI")),
            HostileCase("ftp absolute-form target", f.request("GET", "ftp://open.oss-cn-hangzhou.aliyuncs.com/x"),
                        .answer(400, code: "InvalidURI")),
            HostileCase("CONNECT tunnel to a host the emulator does not serve",
                        Array("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".utf8),
                        .answer(403, code: nil)),
            HostileCase("unknown method, signed", f.request("BREW", "/closed/secret.txt", bucket: "closed", key: "secret.txt", signed: true),
                        .answer(405, code: "MethodNotAllowed")),
            // A method OSS does not serve is refused before anyone is asked who sent it.
            HostileCase("unknown method, anonymous on a public-read-write bucket", f.request("BREW", "/open/x"),
                        .answer(405, code: "MethodNotAllowed")),

            // Headers.
            HostileCase("too many headers", f.request("GET", "/open/x", headers: (0..<30).map { ("X-Filler-\($0)", "v") }),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("one huge header", f.request("GET", "/open/x", headers: [("X-Huge", String(repeating: "h", count: 8000))]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("header line without a colon", f.head("GET /open/x HTTP/1.1", host, "NoColonHere"), .answer(400, code: "InvalidRequest")),
            HostileCase("space before the colon", f.head("GET /open/x HTTP/1.1", host, "X-Bad : v"), .answer(400, code: "InvalidRequest")),
            HostileCase("obsolete line folding", f.head("GET /open/x HTTP/1.1", host, "X-Folded: a", " b"), .answer(400, code: "InvalidRequest")),
            HostileCase("control byte in a header value", f.head("GET /open/x HTTP/1.1", host, "X-Ctl: a\u{01}b"), .answer(400, code: "InvalidRequest")),
            HostileCase("HTTP/1.1 without Host", f.head("GET /open/x HTTP/1.1"), .answer(400, code: "InvalidRequest")),
            HostileCase("two Host headers", f.head("GET /open/x HTTP/1.1", host, "Host: other"), .answer(400, code: "InvalidRequest")),
            HostileCase("two Authorization headers (the first one counts)",
                        f.request("GET", "/closed/secret.txt", headers: [("Authorization", "OSS \(keyId):bm9wZQ=="), ("Date", RequestForge.date()),
                                                                          ("Authorization", "OSS other:x")]),
                        .answer(403, code: "SignatureDoesNotMatch")),

            // Body framing.
            HostileCase("conflicting Content-Length", f.request("PUT", "/open/cl", headers: [("Content-Length", "5"), ("Content-Length", "6")],
                                                                 body: Array("hello".utf8)), .answer(400, code: "InvalidRequest")),
            HostileCase("repeated equal Content-Length is fine",
                        f.request("PUT", "/open/cl-twice", headers: [("Content-Length", "5"), ("Content-Length", "5")], body: Array("hello".utf8)),
                        .answer(200, code: nil)),
            HostileCase("Content-Length that is not a number", f.request("PUT", "/open/cl", headers: [("Content-Length", "abc")]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("negative Content-Length", f.request("PUT", "/open/cl", headers: [("Content-Length", "-1")]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("Content-Length beyond Int64", f.request("PUT", "/open/cl", headers: [("Content-Length", "99999999999999999999999")]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("Content-Length with Transfer-Encoding",
                        f.request("PUT", "/open/smuggle", headers: [("Content-Length", "5"), ("Transfer-Encoding", "chunked")], body: Array("0\r\n\r\n".utf8)),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("Transfer-Encoding gzip", f.request("PUT", "/open/te", headers: [("Transfer-Encoding", "gzip")]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("Transfer-Encoding chunked twice", f.request("PUT", "/open/te", headers: [("Transfer-Encoding", "chunked, chunked")]),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("unknown Expect", f.request("PUT", "/open/e", headers: [("Expect", "200-ok")], body: Array("x".utf8)),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("declared body over the limit", f.request("PUT", "/open/big", headers: [("Content-Length", String(limits.maxBodyBytes + 1))]),
                        .answer(400, code: "EntityTooLarge")),
            HostileCase("oversized body behind 100-continue is refused before it is sent",
                        f.request("PUT", "/open/big", headers: [("Content-Length", String(limits.maxBodyBytes + 1)), ("Expect", "100-continue")]),
                        .answers([400])),
            HostileCase("100-continue, then the body", [
                .send(f.request("PUT", "/open/continued", headers: [("Content-Length", "5"), ("Expect", "100-continue")])),
                .pause(milliseconds: 50), .send(Array("hello".utf8)),
            ], .answers([100, 200])),
            HostileCase("body shorter than Content-Length, then silence",
                        [.send(f.request("PUT", "/open/short", headers: [("Content-Length", "100")], body: Array("only this".utf8)))],
                        .answer(400, code: "RequestTimeout")),

            // Chunked bodies.
            HostileCase("chunk size that is not hex", chunked("zz\r\nhello\r\n0\r\n\r\n"), .answer(400, code: "InvalidRequest")),
            HostileCase("negative chunk size", chunked("-5\r\nhello\r\n0\r\n\r\n"), .answer(400, code: "InvalidRequest")),
            HostileCase("chunk size beyond Int64", chunked("FFFFFFFFFFFFFFFFFFFFFF\r\n"), .answer(400, code: "InvalidRequest")),
            HostileCase("chunk sizes adding up past the limit", chunked(String(limits.maxBodyBytes + 1, radix: 16) + "\r\n"), .answer(400, code: "EntityTooLarge")),
            HostileCase("chunk data without its CRLF", chunked("5\r\nhelloXX0\r\n\r\n"), .answer(400, code: "InvalidRequest")),
            HostileCase("chunk-size line with a bare LF", chunked("5\nhello\r\n0\r\n\r\n"), .answer(400, code: "InvalidRequest")),
            HostileCase("endless chunk extension", chunked("5;" + String(repeating: "e", count: 3000) + "\r\n"),
                        .answer(400, code: "InvalidRequest")),
            HostileCase("well-formed chunked body with a trailer", chunked("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"),
                        .answer(200, code: nil),
                        verify: { let stored = try store.readObject(bucket: "open", key: "chunked"); #expect(stored == Array("hello world".utf8)) }),
            HostileCase("chunked body that stalls", [.send(chunked("5\r\nhel"))], .answer(400, code: "RequestTimeout")),

            // Slow and silent clients.
            HostileCase("silent client", [.pause(milliseconds: 0)], .closesSilently),
            HostileCase("head that never ends", [.send(Array("GET /open/x HTTP/1.1\r\n\(host)\r\n".utf8))], .answer(400, code: "RequestTimeout")),
            HostileCase("head dripped one byte at a time past the header timeout",
                        Array("GET /open/x HTTP/1.1\r\n\(host)\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".utf8).flatMap {
                            [HostileCase.Step.send([$0]), .pause(milliseconds: 15)]
                        },
                        .answer(400, code: "RequestTimeout")),
            HostileCase("idle keep-alive connection is dropped", [.send(f.request("GET", "/open/missing", close: false))], .answers([404])),
            HostileCase("TLS ClientHello on the HTTP port", [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00], .closesSilently),
            HostileCase("encrypted RTMP handshake", [0x06] + [UInt8](repeating: 0, count: 64), .closesSilently),
            HostileCase("pipelined burst beyond the read-ahead bound",
                        (0..<12).flatMap { f.request("HEAD", "/open/missing-\($0)", close: $0 == 11) }, .answers(Array(repeating: 404, count: 12))),

            // Keys that try to leave their bucket.
            HostileCase("dot-dot key segments", f.request("PUT", "/open/..%2F..%2F..%2Fescaped.txt", body: Array("x".utf8)),
                        .answer(200, code: nil), verify: staysInside("../../../escaped.txt", name: "escaped.txt")),
            HostileCase("dot-dot read of another bucket's object", f.request("GET", "/open/..%2Fclosed%2Fsecret.txt"), .answer(404, code: "NoSuchKey")),
            HostileCase("raw dot-dot path segments", f.request("GET", "/open/../closed/secret.txt"), .answer(404, code: "NoSuchKey")),
            HostileCase("bucket name that climbs out", f.request("GET", "/..%2F..%2Fetc/passwd"), .answer(400, code: "InvalidBucketName")),
            HostileCase("key starting with a slash", f.request("PUT", "/open/%2Fabs", body: Array("x".utf8)), .answer(400, code: "InvalidObjectName")),
            HostileCase("key starting with a backslash", f.request("PUT", "/open/%5Cabs", body: Array("x".utf8)),
                        .answer(400, code: "InvalidObjectName")),
            HostileCase("key with a NUL byte", f.request("PUT", "/open/nul%00byte", body: Array("x".utf8)), .answer(200, code: nil),
                        verify: { let stored = try store.readObject(bucket: "open", key: "nul\u{0}byte"); #expect(stored == Array("x".utf8)) }),
            HostileCase("key over 1023 bytes", f.request("PUT", "/open/" + longKey, body: Array("x".utf8)), .answer(400, code: "InvalidObjectName")),

            // Signatures and dates.
            HostileCase("Authorization without a colon", f.request("GET", "/closed/secret.txt", headers: [("Authorization", "OSS justonepart"),
                                                                                                         ("Date", RequestForge.date())]),
                        .answer(400, code: "InvalidArgument")),
            HostileCase("unknown Authorization scheme", f.request("GET", "/closed/secret.txt", headers: [("Authorization", "Bearer abc"),
                                                                                                        ("Date", RequestForge.date())]),
                        .answer(400, code: "InvalidArgument")),
            HostileCase("malformed V4 Authorization", f.request("GET", "/closed/secret.txt", headers: [("Authorization", "OSS4-HMAC-SHA256 Credential=,"),
                                                                                                      ("x-oss-date", "20240101T000000Z")]),
                        .answer(400, code: "InvalidArgument")),
            HostileCase("wrong signature", f.request("GET", "/closed/secret.txt", headers: Self.signedWith(f, "GET", "closed", "secret.txt", secret: "wrong")),
                        .answer(403, code: "SignatureDoesNotMatch")),
            HostileCase("unknown AccessKeyId", f.request("GET", "/closed/secret.txt",
                                                         headers: Self.signedWith(f, "GET", "closed", "secret.txt", keyId: "nobody")),
                        .answer(403, code: "InvalidAccessKeyId")),
            HostileCase("signature for another key", f.request("GET", "/closed/secret.txt", headers: Self.signedWith(f, "GET", "closed", "other.txt")),
                        .answer(403, code: "SignatureDoesNotMatch")),
            HostileCase("unparseable Date", f.request("GET", "/closed/secret.txt",
                                                      headers: Self.signedWith(f, "GET", "closed", "secret.txt", date: "yesterday at noon")),
                        .answer(403, code: "AccessDenied")),
            HostileCase("Date an hour old", f.request("GET", "/closed/secret.txt",
                                                      headers: Self.signedWith(f, "GET", "closed", "secret.txt", date: RequestForge.date(offsetSeconds: -3600))),
                        .answer(403, code: "RequestTimeTooSkewed")),
            HostileCase("Date an hour ahead", f.request("GET", "/closed/secret.txt",
                                                        headers: Self.signedWith(f, "GET", "closed", "secret.txt", date: RequestForge.date(offsetSeconds: 3600))),
                        .answer(403, code: "RequestTimeTooSkewed")),
            HostileCase("no Date at all", f.request("GET", "/closed/secret.txt", headers: [("Authorization", "OSS \(keyId):bm9wZQ==")]),
                        .answer(403, code: "AccessDenied")),
            HostileCase("signature in header and URL", f.request("GET", "/closed/secret.txt?OSSAccessKeyId=\(keyId)&Expires=9999999999&Signature=x",
                                                                 headers: Self.signedWith(f, "GET", "closed", "secret.txt")),
                        .answer(400, code: "InvalidArgument")),
            HostileCase("presigned URL with a non-numeric Expires", f.request("GET", "/closed/secret.txt?OSSAccessKeyId=\(keyId)&Expires=soon&Signature=x"),
                        .answer(403, code: "AccessDenied")),
            HostileCase("expired presigned URL", f.request("GET", "/closed/secret.txt?OSSAccessKeyId=\(keyId)&Expires=1000&Signature=x"),
                        .answer(403, code: "AccessDenied")),
            HostileCase("V4 presigned URL valid for ten years",
                        f.request("GET", "/closed/secret.txt?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=\(keyId)%2F20240101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20240101T000000Z&x-oss-expires=315360000&x-oss-signature=00"),
                        .answer(400, code: "InvalidArgument")),
            HostileCase("anonymous read of a private object", f.request("GET", "/closed/secret.txt"), .answer(403, code: "AccessDenied")),
            HostileCase("anonymous bucket listing of a public-read-write bucket", f.request("GET", "/open/"), .answer(403, code: "AccessDenied")),
        ]
    }

    /// Date and Authorization headers, optionally with a wrong secret, key id or date.
    static func signedWith(_ f: RequestForge, _ method: String, _ bucket: String, _ key: String, secret: String? = nil,
                           keyId: String? = nil, date: String? = nil) -> [(String, String)] {
        let date = date ?? RequestForge.date()
        return [("Date", date), ("Authorization", f.authorization(method, bucket: bucket, key: key, headers: [("Date", date)], date: date,
                                                                   secret: secret, keyId: keyId))]
    }
}
