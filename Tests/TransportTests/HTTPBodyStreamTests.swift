import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Transport

/// Serves `GET /stream` with a body stream handed to `onStream`; anything
/// else gets a plain answer.
private func streamingServer(_ onStream: @escaping @Sendable (HTTPBodyStream) -> Void,
                             maxBacklog: Int = HTTPBodyStream.defaultMaxBacklogBytes) throws -> HTTPServer {
    try startServer(handler: ClosureHandler { request, respond in
        if request.target == "/no-content" {
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: 204, body: .stream(stream)))
            onStream(stream)
            return
        }
        guard request.target == "/stream" else {
            respond(HTTPResponse(status: 200, body: .bytes(Array("plain".utf8))))
            return
        }
        let stream = HTTPBodyStream(maxBacklogBytes: maxBacklog)
        stream.write(Array("early ".utf8))
        respond(HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream(stream)))
        onStream(stream)
    })
}

/// Decodes a chunked body; nil when it is not well formed or not terminated.
private func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var index = 0
    while true {
        guard let lineEnd = bytes[index...].firstRange(of: [0x0D, 0x0A]) else { return nil }
        guard let size = Int(String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self), radix: 16) else { return nil }
        index = lineEnd.upperBound
        if size == 0 { return bytes[index...].elementsEqual([0x0D, 0x0A]) ? out : nil }
        guard index + size + 2 <= bytes.count else { return nil }
        out.append(contentsOf: bytes[index..<index + size])
        index += size + 2
    }
}

private final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
    func set(_ new: Value) { value.withLock { $0 = new } }
}

extension ServerTests {
    @Suite struct StreamedBodies {
        @Test func http11StreamIsChunkedAndEndsTheConnection() throws {
            let server = try streamingServer { stream in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) {
                    stream.write(Array("one ".utf8))
                    stream.write([])
                    stream.write(Array("two".utf8))
                    stream.finish()
                    stream.write(Array("ignored".utf8))
                }
            }
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n")
            let raw = String(decoding: try client.readToEnd(), as: UTF8.self)
            let parts = raw.components(separatedBy: "\r\n\r\n")
            let head = parts[0]
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.contains("Transfer-Encoding: chunked"))
            #expect(head.contains("Connection: close"))
            #expect(!head.contains("Content-Length"))
            let body = Array(raw.utf8.dropFirst(head.utf8.count + 4))
            #expect(dechunk(body).map { String(decoding: $0, as: UTF8.self) } == "early one two")
        }

        @Test func http10StreamEndsWithTheClose() throws {
            let server = try streamingServer { stream in
                stream.write(Array("data".utf8))
                stream.finish()
            }
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /stream HTTP/1.0\r\n\r\n")
            let raw = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(!raw.contains("chunked"))
            #expect(!raw.contains("Content-Length"))
            #expect(raw.hasSuffix("\r\n\r\nearly data"))
        }

        @Test func headGetsNoStreamAndTheStreamIsClosed() throws {
            let captured = Box<HTTPBodyStream?>(nil)
            let server = try streamingServer { captured.set($0) }
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("HEAD /stream HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try client.readResponse(headRequest: true)
            #expect(head.status == 200)
            #expect(try client.readResponse().text == "plain")
            #expect(captured.current?.isClosed == true)
        }

        @Test func statusWithoutBodyClosesTheStreamAndKeepsTheConnection() throws {
            let captured = Box<HTTPBodyStream?>(nil)
            let server = try streamingServer { captured.set($0) }
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /no-content HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try client.readResponse()
            #expect(first.status == 204)
            #expect(first.header("Transfer-Encoding") == nil)
            #expect(try client.readResponse().text == "plain")
            #expect(captured.current?.isClosed == true)
        }

        @Test func clientLeavingRunsOnClose() async throws {
            let captured = Box<HTTPBodyStream?>(nil)
            let closed = Box(false)
            let server = try streamingServer { stream in
                captured.set(stream)
                stream.onClose { closed.set(true) }
            }
            defer { server.stop() }
            do {
                let client = try TestClient(port: server.port)
                try client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
                _ = try client.readResponse(headRequest: true)
                #expect(await eventually { captured.current != nil })
                #expect(!closed.current)
            }
            #expect(await eventually { closed.current })
            #expect(captured.current?.isClosed == true)
            #expect(await eventually { server.connectionCount == 0 })
        }

        @Test func readerThatFallsBehindIsDropped() async throws {
            let closed = Box(false)
            let server = try streamingServer({ stream in
                stream.onClose { closed.set(true) }
                DispatchQueue.global().async {
                    let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
                    // Far more than the socket buffers take, while the client reads nothing.
                    for _ in 0..<1024 where !stream.isClosed { stream.write(chunk) }
                }
            }, maxBacklog: 256 * 1024)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await eventually(timeout: .seconds(10)) { closed.current })
        }

        @Test func stopClosesOpenStreams() async throws {
            let closed = Box(false)
            let server = try streamingServer { $0.onClose { closed.set(true) } }
            let client = try TestClient(port: server.port)
            try client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try client.readResponse(headRequest: true)
            server.stop()
            #expect(closed.current)
            #expect(client.waitForClose())
        }
    }
}
