import Dispatch
import Foundation
import Locking
import Synchronization
import Testing
import Digest
@testable import Transport

extension ServerTests {
    @Suite struct Connections {
        @Test func thousandIdleConnectionsDoNotDelayARequest() throws {
            #expect(DescriptorLimit.raise(to: 4096) >= 2100, "room for 1,001 connections on both ends")
            let server = try startServer()
            defer { server.stop() }
            var idle: [TestClient] = []
            for _ in 0..<1000 { idle.append(try TestClient(port: server.port)) }
            // Half of them have sent part of a head, the rest nothing.
            for client in idle.prefix(500) { try client.send("GET /idle HTTP/1.1\r\n") }
            let client = try TestClient(port: server.port)
            let start = ContinuousClock.now
            try client.send("GET /now HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().text == "GET /now 0")
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .milliseconds(500), "took \(elapsed)")
            #expect(server.connectionCount == 1001)
            // The idle ones are still usable.
            try idle[0].send("Host: h\r\n\r\n")
            #expect(try idle[0].readResponse().text == "GET /idle 0")
            try idle[999].send("GET /late HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try idle[999].readResponse().text == "GET /late 0")
        }

        @Test func connectionsBeyondTheLimitAreClosedWhenNoneIsIdle() async throws {
            var limits = HTTPLimits.default
            limits.maxConnections = 2
            limits.maxConnectionsPerAddress = 2
            let logged = Locked<[String]>([])
            let server = try startServer(limits: limits, log: { line in logged.withLock { $0.append(line) } })
            defer { server.stop() }
            // Both are busy: each has begun a request.
            let first = try TestClient(port: server.port)
            try first.send("GET / HTTP/1.1\r\n")
            let second = try TestClient(port: server.port)
            try second.send("GET / HTTP/1.1\r\n")
            // Both heads read: a connection not yet read still counts as idle, and would be shed for the third.
            #expect(await eventually { server.connectionCount == 2 && server.idleConnectionCount == 0 })
            let third = try TestClient(port: server.port)
            #expect(try third.readToEnd().isEmpty)
            #expect(await eventually { logged.withLock { $0.contains { $0.contains("2 connections") } } })
            for client in [first, second] {
                try client.send("Host: h\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }

        @Test func rtmpFirstByteGoesToTheRawHandler() async throws {
            let received = Locked<[UInt8]>([])
            let raw: RawConnectionHandler = { connection, alreadyRead in
                received.withLock { $0 += alreadyRead }
                connection.start(onRead: { bytes in
                    received.withLock { $0 += Array(bytes) }
                    // Echo, as a handshake would answer.
                    connection.write(Array(bytes))
                }, onClose: { _ in })
                connection.write([0x03] + alreadyRead.dropFirst())
            }
            let server = try startServer(raw: raw)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send([0x03, 1, 2, 3])
            #expect(await eventually { received.withLock { $0 } == [0x03, 1, 2, 3] })
            try client.send([9, 9])
            var echoed: [UInt8] = []
            while echoed.count < 6 {
                var chunk = [UInt8](repeating: 0, count: 16)
                let count = recv(client.fd, &chunk, 16, 0)
                guard count > 0 else { break }
                echoed += chunk[0..<count]
            }
            #expect(echoed == [0x03, 1, 2, 3, 9, 9])
            // The raw connection is closed by stop() like any other.
            server.stop()
            #expect(client.waitForClose())
        }

        @Test func tlsAndRTMPEClientsAreClosedWithALogLine() throws {
            let logged = Locked<[String]>([])
            let server = try startServer(log: { line in logged.withLock { $0.append(line) } })
            defer { server.stop() }
            for first: UInt8 in [0x16, 0x06, 0x03] {
                let client = try TestClient(port: server.port)
                try client.send([first, 0x03, 0x01, 0, 0])
                #expect(try client.readToEnd().isEmpty)
            }
            let lines = logged.withLock { $0 }
            #expect(lines.count == 3)
            #expect(lines.first?.contains("TLS") == true)
            #expect(lines.dropFirst().first?.contains("RTMPE") == true)
            #expect(lines.last?.contains("no RTMP handler") == true)
        }

        @Test func stopClosesEverythingAndLeaksNoDescriptor() async throws {
            let spool = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: spool) }
            let held = Locked<[HTTPResponder]>([])
            // Held answers reference their connection, which references this handler.
            defer { held.withLock { $0.removeAll() } }
            let handled = Atomic<Int>(0)
            let handler = ClosureHandler { request, respond in
                handled.add(1, ordering: .relaxed)
                if request.target == "/hold" {
                    held.withLock { $0.append(respond) }
                } else {
                    respond(HTTPResponse(status: 200))
                }
            }
            var limits = HTTPLimits.default
            limits.inMemoryBodyLimit = 4
            let server = try startServer(limits: limits, handler: handler, spoolDirectory: spool)
            let port = server.port
            var clients: [TestClient] = []
            for _ in 0..<5 { clients.append(try TestClient(port: port)) }
            try clients[0].send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try clients[0].readResponse().status == 200)
            try clients[1].send("GET /partial HTTP/1.1\r\n")
            try clients[2].send("PUT /body HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nsome bytes")
            try clients[3].send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await eventually { held.withLock { $0.count } == 1 })
            #expect(server.connectionCount == 5)

            server.stop()
            #expect(server.connectionCount == 0)
            for client in clients { #expect(client.waitForClose()) }
            // Answering after stop is harmless and closes the file body.
            let file = open(spool, O_RDONLY)
            held.withLock { $0.first?(HTTPResponse(status: 200, body: .file(descriptor: file, offset: 0, length: 1))) }
            #expect(await eventually { fcntl(file, F_GETFD) == -1 }, "the response's descriptor is closed")
            let handledAtStop = handled.load(ordering: .relaxed)
            clients = []
            #expect(await eventually { descriptorCount(port: port, paths: [spool]) == 0 })
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty, "partial spool file removed")
            #expect(throws: (any Error).self) { try TestClient(port: port) }
            #expect(handled.load(ordering: .relaxed) == handledAtStop)
        }

        @Test func stopUnderLoad() async throws {
            let handler = ClosureHandler { request, respond in
                // Half answered inline, half from another thread.
                if request.target.hasSuffix("0") {
                    respond(HTTPResponse(status: 200, body: .bytes([1])))
                } else {
                    DispatchQueue.global().async { respond(HTTPResponse(status: 200, body: .bytes([2]))) }
                }
            }
            let server = try startServer(handler: handler)
            let port = server.port
            let served = Atomic<Int>(0)
            let group = DispatchGroup()
            for worker in 0..<4 {
                // Blocking clients get threads of their own: parked on Dispatch's
                // pool they would starve the handler's asynchronous answers.
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    guard let client = try? TestClient(port: port, timeout: .seconds(2)) else { return }
                    var index = 0
                    while (try? client.send("GET /\(worker)/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")) != nil,
                          (try? client.readResponse()) != nil {
                        served.add(1, ordering: .relaxed)
                        index += 1
                    }
                }
            }
            #expect(await eventually { served.load(ordering: .relaxed) >= 200 })
            server.stop()
            #expect(server.connectionCount == 0)
            group.wait()
            #expect(await eventually { descriptorCount(port: port) == 0 })
        }

        @Test func busyPortFailsWithAClearMessage() throws {
            let server = try startServer()
            defer { server.stop() }
            let second = HTTPServer(configuration: HTTPServerConfiguration(port: server.port), handler: echoHandler)
            do {
                try second.start()
                Issue.record("second bind succeeded")
            } catch {
                guard case .bindFailed(let host, let port, let reason) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(host == "127.0.0.1" && port == server.port)
                #expect(reason.contains("in use"))
                #expect(reason.contains(String(server.port)))
            }
        }

        @Test(arguments: ["localhost", "::1", "0.0.0.0"])
        func hostStrings(host: String) throws {
            let server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: 0), handler: echoHandler)
            try server.start()
            defer { server.stop() }
            let connectTo = host == "::1" ? "::1" : "127.0.0.1"
            let client = try TestClient6(host: connectTo, port: server.port)
            try client.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
            let response = String(decoding: try client.readSome(), as: UTF8.self)
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.hasSuffix("GET /x 0"))
        }

        @Test func remoteAddressAndLocalPort() throws {
            let seen = Locked<(String, UInt16)>(("", 0))
            let handler = ClosureHandler { request, respond in
                seen.withLock { $0 = (request.remoteAddress, request.localPort) }
                respond(HTTPResponse(status: 200))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try client.readResponse()
            let (remote, local) = seen.withLock { $0 }
            #expect(remote.hasPrefix("127.0.0.1:"))
            #expect(local == server.port)
        }
    }
}

/// A client for either address family, for the host-string tests.
final class TestClient6 {
    let fd: Int32

    init(host: String, port: UInt16) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw TestClientError(description: "resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            Glibc.close(fd)
            throw TestClientError(description: "connect \(host): \(errno)")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw TestClientError(description: "send")
        }
    }

    /// Reads until the response's small body has surely arrived.
    func readSome() throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: out, as: UTF8.self).hasSuffix(" 0") {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            out += chunk[0..<count]
        }
        return out
    }
}
