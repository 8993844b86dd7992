import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Transport

extension ServerTests {
    @Suite struct Refusals {
        /// Sends `request`, expects `status` and a close, and checks that a
        /// second client is still served.
        func expectRefusal(_ request: String, status: Int, limits: HTTPLimits = .default,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let bad = try TestClient(port: server.port)
            try bad.send(request)
            let response = try bad.readResponse()
            #expect(response.status == status, sourceLocation: sourceLocation)
            #expect(response.header("Connection") == "close", sourceLocation: sourceLocation)
            #expect(bad.waitForClose(), sourceLocation: sourceLocation)
            let good = try TestClient(port: server.port)
            try good.send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try good.readResponse().text == "GET /ok 0", sourceLocation: sourceLocation)
        }

        @Test func malformedRequestLine() throws {
            try expectRefusal("GARBAGE\r\n\r\n", status: 400)
        }

        @Test func conflictingContentLength() throws {
            try expectRefusal("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400)
        }

        @Test func headersTooLargeAndTooMany() throws {
            var limits = HTTPLimits.default
            limits.maxHeaderBytes = 100
            try expectRefusal("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n",
                              status: 431, limits: limits)
            limits = .default
            limits.maxHeaderCount = 3
            try expectRefusal("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", status: 431, limits: limits)
        }

        @Test func chunkedBodies() throws {
            let handler = ClosureHandler { request, respond in
                var body = Array("\(request.body.length) \(request.bodyCRC64)".utf8)
                if case .bytes(let bytes) = request.body { body += [0x20] + bytes }
                respond(HTTPResponse(status: 200, body: .bytes(body)))
            }
            var limits = HTTPLimits.default
            limits.maxBodyBytes = 16
            let server = try startServer(limits: limits, handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n")
            let expected = "Wikipedia in\r\n\r\nchunks."
            #expect(expected.utf8.count == 23)
            let crc = CRC64Check.checksum(Array(expected.utf8))
            let tooLarge = try client.readResponse()
            // 23 bytes exceed the 16-byte limit: refused once the third chunk is announced.
            #expect(tooLarge.status == 413)
            #expect(client.waitForClose())

            let ok = try TestClient(port: server.port)
            try ok.send("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n")
            let response = try ok.readResponse()
            #expect(response.text == "9 \(CRC64Check.checksum(Array("Wikipedia".utf8))) Wikipedia")
            #expect(crc != 0)

            let bad = try TestClient(port: server.port)
            try bad.send("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfoo\r\n")
            #expect(try bad.readResponse().status == 400)
            #expect(bad.waitForClose())
        }

        @Test func declaredBodyTooLargeIsRefusedWithoutReadingIt() throws {
            var limits = HTTPLimits.default
            limits.maxBodyBytes = 1000
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            // The client sends the body anyway; lingering lets it read the 413
            // instead of a reset.
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 200000\r\n\r\n")
            try client.send([UInt8](repeating: 0x61, count: 200_000))
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.text.contains("1000"))
        }

        @Test func expectContinueWithTooLargeBodyGetsTheRefusalInstead() throws {
            var limits = HTTPLimits.default
            limits.maxBodyBytes = 10
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 413)
        }

        @Test func handlerChoosesTheRefusalResponse() throws {
            struct XMLRefusals: HTTPRequestHandler {
                func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
                    respond(HTTPResponse(status: 200))
                }
                func response(for error: HTTPRequestError, head: HTTPRequestHead?) -> HTTPResponse {
                    HTTPResponse(status: error.status, headers: ["Content-Type": "application/xml"],
                                 body: .bytes(Array("<Error>\(error.status) \(head?.target ?? "-")</Error>".utf8)))
                }
            }
            var limits = HTTPLimits.default
            limits.maxBodyBytes = 1
            let server = try startServer(limits: limits, handler: XMLRefusals())
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.text == "<Error>413 /b/k</Error>")
        }
    }

    @Suite struct Timeouts {
        static func limits() -> HTTPLimits {
            var limits = HTTPLimits.default
            limits.headerTimeout = .milliseconds(300)
            limits.bodyIdleTimeout = .milliseconds(300)
            limits.keepAliveIdleTimeout = .milliseconds(150)
            limits.lingerTimeout = .milliseconds(100)
            return limits
        }

        /// A second client must be served while the first one stalls, well
        /// before the stalled one times out.
        func expectServed(on server: HTTPServer) throws {
            let other = try TestClient(port: server.port, timeout: .seconds(1))
            let start = ContinuousClock.now
            try other.send("GET /other HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try other.readResponse().text == "GET /other 0")
            #expect(ContinuousClock.now - start < .milliseconds(250))
        }

        @Test func partialHeadTimesOutWith408() throws {
            let server = try startServer(limits: Self.limits())
            defer { server.stop() }
            let slow = try TestClient(port: server.port)
            try slow.send("GET / HTTP/1.1\r\nHo")
            try expectServed(on: server)
            let start = ContinuousClock.now
            #expect(try slow.readResponse().status == 408)
            #expect(slow.waitForClose())
            #expect(ContinuousClock.now - start < .seconds(2))
        }

        @Test func silentNewConnectionIsDroppedAfterHeaderTimeout() throws {
            let server = try startServer(limits: Self.limits())
            defer { server.stop() }
            let silent = try TestClient(port: server.port)
            try expectServed(on: server)
            let start = ContinuousClock.now
            #expect(try silent.readToEnd().isEmpty, "dropped without a response")
            #expect(ContinuousClock.now - start < .seconds(2))
        }

        @Test func stalledBodyTimesOutWith408() throws {
            let server = try startServer(limits: Self.limits())
            defer { server.stop() }
            let slow = try TestClient(port: server.port)
            try slow.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            try expectServed(on: server)
            #expect(try slow.readResponse().status == 408)
            #expect(slow.waitForClose())
        }

        @Test func bodyProgressKeepsTheRequestAlive() throws {
            let server = try startServer(limits: Self.limits())
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n")
            // 6 × 60 ms exceeds the 300 ms idle timeout in total but never between bytes.
            for byte in Array("abcdef".utf8) {
                Thread.sleep(forTimeInterval: 0.06)
                try client.send([byte])
            }
            #expect(try client.readResponse().text == "PUT /k 6")
        }

        @Test func idleKeepAliveConnectionIsClosed() throws {
            var limits = Self.limits()
            limits.headerTimeout = .seconds(5)
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            let start = ContinuousClock.now
            #expect(try client.readToEnd().isEmpty)
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(100) && waited < .seconds(2))
        }

        @Test func clientThatStopsReadingIsDropped() async throws {
            let size = 8 * 1024 * 1024
            let path = try makeTemporaryDirectory() + "/big"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(count: size)))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handler = ClosureHandler { _, respond in
                let descriptor = open(path, O_RDONLY)
                respond(HTTPResponse(status: 200, body: .file(descriptor: descriptor, offset: 0, length: Int64(size))))
            }
            var limits = HTTPLimits.default
            limits.writeIdleTimeout = .milliseconds(150)
            let server = try startServer(limits: limits, handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await eventually { server.connectionCount == 1 })
            // The client never reads: the server gives up and closes the file too.
            #expect(await eventually(timeout: .seconds(3)) { server.connectionCount == 0 })
            // The server's socket and the file are closed. (The client's own
            // socket may or may not still be listed: that depends on whether
            // the kernel reset it, so it is not counted.)
            #expect(await eventually { descriptorCount(port: server.port, paths: [path], serverSideOnly: true) == 0 },
                    "no accepted socket and no file descriptor left")
        }

        @Test func lingeringEndsAfterLingerTimeout() async throws {
            var limits = Self.limits()
            limits.lingerTimeout = .milliseconds(200)
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            // The client neither closes nor sends: the server closes after lingering.
            let start = ContinuousClock.now
            #expect(await eventually { server.connectionCount == 0 })
            let waited = ContinuousClock.now - start
            #expect(waited >= .milliseconds(150) && waited < .seconds(2))
        }
    }
}

/// CRC-64/XZ computed bit by bit, independently of Digest's tables.
enum CRC64Check {
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var crc: UInt64 = ~0
        for byte in bytes {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xC96C_5795_D787_0F42 : crc >> 1 }
        }
        return ~crc
    }
}

extension ServerTests.Refusals {
    @Test func garbageClientsDoNotDisturbTheServer() throws {
        let server = try startServer()
        defer { server.stop() }
        var generator = SplitMix(seed: 99)
        for _ in 0..<20 {
            let client = try TestClient(port: server.port, timeout: .milliseconds(500))
            // 0x03/0x06/0x08/0x16 first bytes are sniffed; start from text.
            let garbage = [UInt8(ascii: "G")] + (0..<200).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            try? client.send(garbage + Array("\r\n\r\n".utf8))
            _ = client.waitForClose()
        }
        let client = try TestClient(port: server.port)
        try client.send("GET /still HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try client.readResponse().text == "GET /still 0")
    }
}

extension ServerTests.Refusals {
    struct EarlyDenial: HTTPRequestHandler {
        let handled: Counter
        func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
            handled.increment()
            respond(HTTPResponse(status: 200, body: .bytes(Array("\(request.target) \(request.body.length)".utf8))))
        }
        func responseBeforeBody(for head: HTTPRequestHead) -> HTTPResponse? {
            head.target == "/deny" ? HTTPResponse(status: 403, body: .bytes(Array("denied".utf8))) : nil
        }
    }

    @Test func handlerMayAnswerBeforeTheBody() throws {
        let handled = Counter()
        let spool = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: spool) }
        var limits = HTTPLimits.default
        limits.inMemoryBodyLimit = 4
        let server = try startServer(limits: limits, handler: EarlyDenial(handled: handled), spoolDirectory: spool)
        defer { server.stop() }

        // With Expect: the refusal comes instead of 100 Continue.
        let waiting = try TestClient(port: server.port)
        try waiting.send("PUT /deny HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
        let refused = try waiting.readResponse()
        #expect(refused.status == 403 && refused.text == "denied")
        #expect(refused.header("Connection") == "close")

        // Without: the client sends its body anyway and still reads the refusal.
        let eager = try TestClient(port: server.port)
        try eager.send("PUT /deny HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n")
        try eager.send([UInt8](repeating: 1, count: 100_000))
        #expect(try eager.readResponse().status == 403)

        let allowed = try TestClient(port: server.port)
        try allowed.send("PUT /ok HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try allowed.readResponse().text == "/ok 5")
        #expect(handled.value == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty, "denied bodies were never spooled")
    }
}
