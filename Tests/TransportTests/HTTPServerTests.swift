import Dispatch
import Foundation
import Locking
import Synchronization
import Testing
import Digest
@testable import Transport

/// Every socket test runs in this serialized suite, so descriptor counts
/// taken by one test are not disturbed by another.
@Suite(.serialized) struct ServerTests {}

extension ServerTests {
    @Suite struct KeepAliveAndPipelining {
        @Test func keepAliveThenConnectionClose() throws {
            let server = try startServer()
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            for index in 0..<3 {
                try client.send("GET /k\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "GET /k\(index) 0")
                #expect(response.header("Connection") == nil)
            }
            try client.send("GET /last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            let last = try client.readResponse()
            #expect(last.text == "GET /last 0")
            #expect(last.header("Connection") == "close")
            #expect(client.waitForClose())
        }

        @Test func http10ClosesUnlessAskedToKeepAlive() throws {
            let server = try startServer()
            defer { server.stop() }
            let keep = try TestClient(port: server.port)
            try keep.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keep.readResponse().header("Connection") == "keep-alive")
            try keep.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keep.readResponse().text == "GET /b 0")

            let once = try TestClient(port: server.port)
            try once.send("GET /c HTTP/1.0\r\n\r\n")
            let response = try once.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(once.waitForClose())
        }

        @Test func pipelinedRequestsAreAnsweredInOrderWhenHandlersFinishOutOfOrder() throws {
            let count = 12
            // The first request is answered last: later ones finish first.
            let handler = ClosureHandler { request, respond in
                let index = Int(request.target.dropFirst(2)) ?? 0
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds((count - index) * 4)) {
                    respond(HTTPResponse(status: 200, headers: ["X-Target": request.target],
                                         body: .bytes(Array(request.target.utf8))))
                }
            }
            var limits = HTTPLimits.default
            limits.maxPipelinedRequests = count
            let server = try startServer(limits: limits, handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            var batch = ""
            for index in 0..<count {
                batch += index == 3
                    ? "PUT /k\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
                    : "GET /k\(index) HTTP/1.1\r\nHost: h\r\n\r\n"
            }
            try client.send(batch)
            for index in 0..<count {
                let response = try client.readResponse()
                #expect(response.header("X-Target") == "/k\(index)")
                #expect(response.text == "/k\(index)")
            }
        }

        @Test func readAheadStopsAtMaxPipelinedRequests() async throws {
            let held = Locked<[HTTPResponder]>([])
            // Held answers reference their connection, which references this handler.
            defer { held.withLock { $0.removeAll() } }
            let handler = ClosureHandler { request, respond in
                let text = request.target
                held.withLock {
                    $0.append { _ in respond(HTTPResponse(status: 200, body: .bytes(Array(text.utf8)))) }
                }
            }
            var limits = HTTPLimits.default
            limits.maxPipelinedRequests = 2
            let server = try startServer(limits: limits, handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send((0..<5).map { "GET /\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            #expect(await eventually { held.withLock { $0.count } == 2 })
            try await Task.sleep(for: .milliseconds(50))
            #expect(held.withLock { $0.count } == 2, "no more than 2 requests are read ahead")
            var answered = 0
            while answered < 5 {
                #expect(await eventually { held.withLock { $0.count } > answered })
                let responders = held.withLock { $0 }
                for responder in responders[answered...] { responder(HTTPResponse(status: 200)) }
                for _ in answered..<responders.count {
                    #expect(try client.readResponse().text == "/\(answered)")
                    answered += 1
                }
            }
        }

        @Test func readAheadStopsWhileTheClientDoesNotReadResponses() async throws {
            let size = 4 * 1024 * 1024
            let handled = Atomic<Int>(0)
            let handler = ClosureHandler { request, respond in
                let index = handled.add(1, ordering: .relaxed).newValue
                respond(HTTPResponse(status: 200, body: .bytes([UInt8](repeating: UInt8(index), count: size))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send((0..<10).map { "GET /\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            #expect(await eventually { handled.load(ordering: .relaxed) >= 1 })
            try await Task.sleep(for: .milliseconds(100))
            // 40 MiB of answers would be queued; the server stops at the write backlog instead.
            #expect(handled.load(ordering: .relaxed) < 10)
            for index in 1...10 {
                let response = try client.readResponse()
                #expect(response.body.count == size && response.body.first == UInt8(index))
            }
        }

        @Test func noReadAheadStillServesPipelinedRequests() throws {
            var limits = HTTPLimits.default
            limits.maxPipelinedRequests = 0
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send((0..<3).map { "GET /\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            for index in 0..<3 { #expect(try client.readResponse().text == "GET /\(index) 0") }
        }

        @Test func requestsArrivingOneByteAtATime() throws {
            let server = try startServer()
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            var one: Int32 = 1
            setsockopt(client.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let text = "PUT /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc\r\n"
                + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n"
            for byte in Array(text.utf8) { try client.send([byte]) }
            #expect(try client.readResponse().text == "PUT /slow 3")
            #expect(try client.readResponse().text == "GET /after 0")
        }

        @Test func headResponsesCarryLengthButNoBody() throws {
            let handler = ClosureHandler { request, respond in
                if request.method == "HEAD" {
                    respond(HTTPResponse(status: 200, headers: ["Content-Length": "1234", "ETag": "\"x\""]))
                } else {
                    respond(HTTPResponse(status: 200, body: .bytes(Array("full".utf8))))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("HEAD /obj HTTP/1.1\r\nHost: h\r\n\r\nGET /obj HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try client.readResponse(headRequest: true)
            #expect(head.header("Content-Length") == "1234")
            #expect(head.header("ETag") == "\"x\"")
            // Had a body followed the HEAD response, this would not parse as the GET's.
            let get = try client.readResponse()
            #expect(get.status == 200 && get.text == "full")
        }

        @Test func expectContinueIsAnsweredBeforeTheBody() throws {
            let handler = ClosureHandler { request, respond in
                respond(HTTPResponse(status: 200, body: .bytes(Array(Hex.encode(request.bodyMD5).utf8))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("hello")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "5d41402abc4b2a76b9719d911017c592")
        }

        @Test func halfClosedClientStillGetsItsResponse() throws {
            let server = try startServer()
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            client.shutdownWrite()
            #expect(try client.readResponse().text == "GET /a 0")
            #expect(try client.readResponse().text == "GET /b 0")
            #expect(client.waitForClose())
        }

        @Test func responderMayAnswerFromAnyThreadOnlyOnce() throws {
            let handler = ClosureHandler { request, respond in
                Thread.detachNewThread {
                    respond(HTTPResponse(status: 201, reason: "Made", body: .bytes([1, 2, 3])))
                    respond(HTTPResponse(status: 500))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try client.readResponse()
            #expect(first.status == 201 && first.reason == "Made" && first.body == [1, 2, 3])
            #expect(try client.readResponse().status == 201)
        }

        @Test func contentLengthFollowsTheBody() throws {
            let handler = ClosureHandler { request, respond in
                switch request.target {
                case "/wrong":
                    respond(HTTPResponse(status: 200, headers: ["Content-Length": "99"], body: .bytes([7])))
                case "/nocontent":
                    respond(HTTPResponse(status: 204, headers: ["Content-Length": "0"]))
                default:
                    respond(HTTPResponse(status: 200))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /wrong HTTP/1.1\r\nHost: h\r\n\r\n")
            let wrong = try client.readResponse()
            #expect(wrong.header("Content-Length") == "1" && wrong.body == [7])
            try client.send("GET /nocontent HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().header("Content-Length") == nil)
            try client.send("GET /empty HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().header("Content-Length") == "0")
        }
    }
}
