import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Transport

extension ServerTests {
    @Suite struct Streaming {
        /// Streams three events 20 ms apart from another thread; `/plain` is
        /// answered normally.
        static func handler(cancelled: Counter) -> ClosureHandler {
            ClosureHandler { request, respond in
                guard request.target == "/events" else {
                    respond(HTTPResponse(status: 200, body: .bytes(Array("plain".utf8))))
                    return
                }
                let stream = HTTPBodyStream(onCancel: { cancelled.increment() })
                stream.write(Array("data: 0\n\n".utf8))
                respond(HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Content-Length": "5"],
                                     body: .stream(stream)))
                DispatchQueue.global().async {
                    for index in 1...2 {
                        Thread.sleep(forTimeInterval: 0.02)
                        stream.write(Array("data: \(index)\n\n".utf8))
                    }
                    stream.finish()
                    stream.write(Array("ignored".utf8))
                }
            }
        }

        @Test func chunkedStreamThenPipelinedResponse() throws {
            let cancelled = Counter()
            let server = try startServer(handler: Self.handler(cancelled: cancelled))
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /events HTTP/1.1\r\nHost: h\r\n\r\nGET /plain HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try client.readResponse(headRequest: true)
            #expect(head.header("Transfer-Encoding") == "chunked")
            #expect(head.header("Content-Length") == nil)
            var chunks: [String] = []
            let body = try client.readChunkedBody { chunks.append(String(decoding: $0, as: UTF8.self)) }
            #expect(chunks == ["data: 0\n\n", "data: 1\n\n", "data: 2\n\n"])
            #expect(body.count == 27)
            #expect(try client.readResponse().text == "plain")
            #expect(cancelled.value == 0)
        }

        @Test func http10StreamEndsWithTheConnection() throws {
            let cancelled = Counter()
            let server = try startServer(handler: Self.handler(cancelled: cancelled))
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /events HTTP/1.0\r\n\r\n")
            let text = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(text.hasSuffix("\r\n\r\ndata: 0\n\ndata: 1\n\ndata: 2\n\n"))
            #expect(text.contains("Connection: close"))
            #expect(!text.contains("chunked"))
        }

        @Test func headRequestCancelsTheStream() async throws {
            let cancelled = Counter()
            let server = try startServer(handler: Self.handler(cancelled: cancelled))
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("HEAD /events HTTP/1.1\r\nHost: h\r\n\r\nGET /plain HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try client.readResponse(headRequest: true)
            #expect(head.header("Transfer-Encoding") == nil)
            #expect(try client.readResponse().text == "plain")
            #expect(await eventually { cancelled.value == 1 })
        }

        @Test func departedClientCancelsTheStream() async throws {
            let cancelled = Counter()
            let handler = ClosureHandler { _, respond in
                let stream = HTTPBodyStream(onCancel: { cancelled.increment() })
                respond(HTTPResponse(status: 200, body: .stream(stream)))
                DispatchQueue.global().async {
                    // A heartbeat until the transport gives up.
                    while !stream.isCancelled {
                        stream.write(Array(": ping\n\n".utf8))
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            do {
                let client = try TestClient(port: server.port)
                try client.send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n")
                _ = try client.readResponse(headRequest: true)
            }
            #expect(await eventually { cancelled.value == 1 })
            #expect(await eventually { server.connectionCount == 0 })
        }

        @Test func stopCancelsOpenStreams() async throws {
            let cancelled = Counter()
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 200, body: .stream(HTTPBodyStream(onCancel: { cancelled.increment() }))))
            }
            let server = try startServer(handler: handler)
            let client = try TestClient(port: server.port)
            try client.send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try client.readResponse(headRequest: true)
            server.stop()
            #expect(cancelled.value == 1)
            #expect(client.waitForClose())
        }
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
