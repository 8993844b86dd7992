import Testing
@testable import Transport

/// What a decoder produced, comparable across ways of feeding it.
enum Decoded: Equatable, CustomStringConvertible {
    case head(String)
    case body([UInt8])
    case end
    case error(HTTPRequestError)

    var description: String {
        switch self {
        case .head(let text): return "head(\(text))"
        case .body(let bytes): return "body(\(bytes.count))"
        case .end: return "end"
        case .error(let error): return "error(\(error))"
        }
    }
}

/// Feeds `input` in the given pieces; body slices are merged so the result
/// does not depend on where the input was split.
func decode(_ pieces: [[UInt8]], limits: HTTPLimits = .default) -> [Decoded] {
    var decoder = HTTPRequestDecoder(limits: limits)
    var out: [Decoded] = []
    for piece in pieces {
        var consumed = 0
        let stop = piece.withUnsafeBytes { buffer -> Bool in
            while true {
                do {
                    guard let event = try decoder.next(buffer, consumed: &consumed) else { return false }
                    switch event {
                    case .head(let head, let framing):
                        let headers = head.headers.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                        out.append(.head("\(head.method) \(head.target) \(head.version) [\(headers)] \(framing)"))
                    case .body(let bytes):
                        if case .body(let previous)? = out.last {
                            out[out.count - 1] = .body(previous + Array(bytes))
                        } else {
                            out.append(.body(Array(bytes)))
                        }
                    case .end:
                        out.append(.end)
                    }
                } catch {
                    out.append(.error((error as? HTTPRequestError) ?? .spoolFailed(reason: "untyped \(error)")))
                    return true
                }
            }
        }
        if stop { break }
    }
    return out
}

/// Decodes whole, byte by byte and at seeded random splits; all must agree.
func decodeEveryWay(_ text: String, limits: HTTPLimits = .default) -> [Decoded] {
    let bytes = Array(text.utf8)
    let whole = decode([bytes], limits: limits)
    let single = decode(bytes.map { [$0] }, limits: limits)
    #expect(single == whole, "byte by byte differs for \(text.debugDescription)")
    var generator = SplitMix(seed: UInt64(bytes.count))
    for _ in 0..<5 {
        var pieces: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int(generator.next() % 7) + 1
            pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
            index += size
        }
        #expect(decode(pieces, limits: limits) == whole, "random split differs for \(text.debugDescription)")
    }
    return whole
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct HTTPRequestDecoderTests {
    @Test func simpleGetWithKeepAliveFromPython() {
        // The shape oss2 sends (wire-captures.md), without the signature.
        let result = decodeEveryWay(
            "GET /bkt/?live=&prefix=my&marker=&max-keys=10 HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n"
            + "Accept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n")
        #expect(result == [
            .head("GET /bkt/?live=&prefix=my&marker=&max-keys=10 HTTP/1.1 [Host=127.0.0.1:9000,Accept-Encoding=identity,Connection=keep-alive] none"),
            .end,
        ])
    }

    @Test func targetsPassThroughRaw() {
        let encoded = decodeEveryWay("POST /bkt/mychannel%2Fvod.m3u8?vod=&startTime=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        #expect(encoded.first == .head("POST /bkt/mychannel%2Fvod.m3u8?vod=&startTime=1 HTTP/1.1 [Host=h,Content-Length=0] none"))
        let absolute = decodeEveryWay("GET http://bkt.localhost:9000/a%2Fb HTTP/1.1\r\nHost: bkt.localhost:9000\r\n\r\n")
        #expect(absolute.first == .head("GET http://bkt.localhost:9000/a%2Fb HTTP/1.1 [Host=bkt.localhost:9000] none"))
    }

    @Test func contentLengthBodyAndPipelinedRequest() {
        let result = decodeEveryWay(
            "PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /b/k HTTP/1.0\r\n\r\n")
        #expect(result == [
            .head("PUT /b/k HTTP/1.1 [Host=h,Content-Length=5] length(5)"), .body(Array("hello".utf8)), .end,
            .head("GET /b/k HTTP/1.0 [] none"), .end,
        ])
    }

    @Test func headerValuesAreTrimmedAndBareLFAccepted() {
        let result = decodeEveryWay("\r\nGET / HTTP/1.1\nHost:   h \t\nX-Empty:\n\n")
        #expect(result == [.head("GET / HTTP/1.1 [Host=h,X-Empty=] none"), .end])
    }

    @Test func strayCRLFAfterABodyLeavesTheDecoderIdle() throws {
        var decoder = HTTPRequestDecoder(limits: .default)
        let bytes = Array("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok\r\n".utf8)
        var events: [String] = []
        var consumed = 0
        try bytes.withUnsafeBytes { buffer in
            while let event = try decoder.next(buffer, consumed: &consumed) {
                switch event {
                case .head: events.append("head")
                case .body(let body): events.append("body \(body.count)")
                case .end: events.append("end")
                }
            }
        }
        #expect(events == ["head", "body 2", "end"])
        #expect(consumed == bytes.count)
        #expect(decoder.isIdle)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let result = decodeEveryWay(
            "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n0006\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(result == [
            .head("PUT /k HTTP/1.1 [Host=h,Transfer-Encoding=chunked] chunked"),
            .body(Array("hello world".utf8)), .end,
            .head("GET /next HTTP/1.1 [Host=h] none"), .end,
        ])
    }

    @Test(arguments: [
        ("zz\r\n", HTTPRequestError.malformedChunkedBody),          // not hex
        ("\r\n", .malformedChunkedBody),                            // empty size
        ("-5\r\n", .malformedChunkedBody),                          // sign
        ("5 x\r\n", .malformedChunkedBody),                         // junk after size
        ("5\n", .malformedChunkedBody),                             // bare LF
        ("10000000000000000\r\n", .malformedChunkedBody),           // overflows Int64
        ("3\r\nabcX", .malformedChunkedBody),                       // no CRLF after data
        ("3\r\nabc\r\n0\r\nbad trailer\r\n\r\n", .malformedChunkedBody),
    ])
    func badChunkedBodies(body: String, error: HTTPRequestError) {
        let result = decodeEveryWay("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        #expect(result.last == .error(error))
    }

    @Test func chunkSizeLineLimit() {
        let long = "5;" + String(repeating: "e", count: HTTPRequestDecoder.maxChunkLineBytes) + "\r\nhello\r\n0\r\n\r\n"
        let result = decode([Array(("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + long).utf8)])
        #expect(result.last == .error(.malformedChunkedBody))
    }

    @Test func chunkedBodyOverLimit() {
        var limits = HTTPLimits.default
        limits.maxBodyBytes = 8
        let result = decodeEveryWay(
            "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
            limits: limits)
        #expect(result == [
            .head("PUT /k HTTP/1.1 [Host=h,Transfer-Encoding=chunked] chunked"),
            .body(Array("hello".utf8)), .error(.bodyTooLarge(limit: 8)),
        ])
    }

    @Test func trailersAreBounded() {
        var limits = HTTPLimits.default
        limits.maxHeaderCount = 2
        let many = "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(decodeEveryWay(many, limits: limits).last == .error(.tooManyHeaders))
        limits = .default
        limits.maxHeaderBytes = 80
        let large = "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: "
            + String(repeating: "x", count: 100) + "\r\n\r\n"
        #expect(decodeEveryWay(large, limits: limits).last == .error(.headersTooLarge))
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", HTTPRequestError.malformedRequestLine),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1 x\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1\rHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.x\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\nHost h\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\u{0}x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .missingHost),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5x\r\n\r\n", .invalidContentLength),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", .conflictingContentLength),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", .conflictingContentLength),
        ("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        ("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("PUT / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", .unsupportedExpectation),
    ])
    func refusedHeads(text: String, error: HTTPRequestError) {
        #expect(decodeEveryWay(text).last == .error(error))
    }

    @Test func repeatedEqualContentLengthsAreOne() {
        let result = decodeEveryWay("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(result.dropFirst() == [.body(Array("ok".utf8)), .end])
    }

    @Test func headerByteAndCountLimits() {
        var limits = HTTPLimits.default
        limits.maxHeaderBytes = 64
        let exact = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 64 - 32) + "\r\n\r\n"
        #expect(Array(exact.utf8).count == 64)
        #expect(decodeEveryWay(exact, limits: limits).last == .end)
        let over = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 64 - 31) + "\r\n\r\n"
        #expect(decodeEveryWay(over, limits: limits).last == .error(.headersTooLarge))
        // A head that never ends is refused as soon as it passes the limit.
        #expect(decode([Array(String(repeating: "a", count: 65).utf8)], limits: limits) == [.error(.headersTooLarge)])

        limits = .default
        limits.maxHeaderCount = 3
        #expect(decodeEveryWay("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).last == .end)
        #expect(decodeEveryWay("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits).last
            == .error(.tooManyHeaders))
    }

    @Test func declaredBodyOverLimitIsRefusedAtTheHead() {
        var limits = HTTPLimits.default
        limits.maxBodyBytes = 10
        #expect(decodeEveryWay("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits).last == .end)
        #expect(decodeEveryWay("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits)
            == [.error(.bodyTooLarge(limit: 10))])
    }

    @Test func keepAliveRules() throws {
        func head(_ version: HTTPVersion, _ connection: String?) -> HTTPRequestHead {
            var headers: HTTPHeaders = ["Host": "h"]
            if let connection { headers.add("Connection", connection) }
            return HTTPRequestHead(method: "GET", target: "/", version: version, headers: headers)
        }
        #expect(head(.http1_1, nil).keepAlive)
        #expect(!head(.http1_1, "close").keepAlive)
        #expect(!head(.http1_1, "Keep-Alive, Close").keepAlive)
        #expect(!head(.http1_0, nil).keepAlive)
        #expect(head(.http1_0, "Keep-Alive").keepAlive)
    }
}

@Suite struct HTTPHeadersTests {
    @Test func orderedCaseInsensitiveEditing() {
        var headers: HTTPHeaders = ["Content-Type": "a", "x-oss-meta-A": "1"]
        headers.add("X-OSS-META-a", "2")
        #expect(headers["content-type"] == "a")
        #expect(headers.values("x-oss-meta-a") == ["1", "2"])
        headers.set("X-Oss-Meta-A", "3")
        #expect(headers.pairs.map(\.name) == ["Content-Type", "X-Oss-Meta-A"])
        #expect(headers["x-oss-meta-a"] == "3")
        headers.add("Via", "x")
        headers.remove("CONTENT-TYPE")
        #expect(headers.pairs.map(\.name) == ["X-Oss-Meta-A", "Via"])
        #expect(headers["Content-Type"] == nil)
        #expect(Array(headers).count == 2)
        #expect(headers == HTTPHeaders([(name: "X-Oss-Meta-A", value: "3"), (name: "Via", value: "x")]))
        #expect(headers != HTTPHeaders([(name: "Via", value: "x"), (name: "X-Oss-Meta-A", value: "3")]))
    }

    @Test func responseHeadSanitisesLineBreaks() {
        let bytes = HTTPResponseEncoder.head(status: 200, reason: nil, headers: ["X-A": "1\r\nInjected: yes"])
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 200 OK\r\nX-A: 1  Injected: yes\r\n\r\n")
        let odd = HTTPResponseEncoder.head(status: 42, reason: "Odd", headers: [:])
        #expect(String(decoding: odd, as: UTF8.self) == "HTTP/1.1 500 Odd\r\n\r\n")
    }

    @Test func responseStatusLines() {
        let lines: [(Int, String?, String)] = [
            (200, nil, "HTTP/1.1 200 OK"), (200, "Fine", "HTTP/1.1 200 Fine"), (204, nil, "HTTP/1.1 204 No Content"),
            (404, nil, "HTTP/1.1 404 Not Found"), (999, nil, "HTTP/1.1 999 Unknown"), (100, nil, "HTTP/1.1 100 Continue"),
            (1000, nil, "HTTP/1.1 500 Internal Server Error"), (503, "Busy\r\nX: y", "HTTP/1.1 503 Busy  X: y"),
        ]
        for (status, reason, line) in lines {
            let bytes = HTTPResponseEncoder.head(status: status, reason: reason, headers: ["A": "b", "C": "d\u{0}e"])
            #expect(String(decoding: bytes, as: UTF8.self) == line + "\r\nA: b\r\nC: d e\r\n\r\n")
        }
    }
}

@Suite struct HTTPRequestDecoderRobustnessTests {
    static let seeds = [
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "POST /b/c%2Fd?vod HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
    ]

    /// Mutated and random inputs never trap, and every way of splitting
    /// them gives the same events.
    @Test func mutatedInputsNeverTrap() {
        var generator = SplitMix(seed: 7)
        var limits = HTTPLimits.default
        limits.maxHeaderBytes = 256
        limits.maxBodyBytes = 64
        for round in 0..<400 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: bytes.remove(at: position)
                }
            }
            let whole = decode([bytes], limits: limits)
            #expect(decode(bytes.map { [$0] }, limits: limits) == whole)
        }
        for _ in 0..<200 {
            let bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = decode([bytes], limits: limits)
        }
    }
}
