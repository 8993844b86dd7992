import Dispatch
import Foundation
import Locking
import Testing
@testable import Transport

extension ServerTests {
    /// The generic connection layer the RTMP server builds on.
    @Suite struct Sockets {
        @Test func echoAndPeerClose() async throws {
            let reasons = Locked<[CloseReason]>([])
            let listener = try TCPListener(host: "127.0.0.1", port: 0, queueCount: 2)
            defer { listener.stop() }
            listener.start { connection in
                connection.start(onRead: { connection.write(Array($0)) },
                                 onClose: { reason in reasons.withLock { $0.append(reason) } })
            }
            let client = try TestClient(port: listener.port)
            try client.send("ping")
            var echoed = [UInt8](repeating: 0, count: 4)
            #expect(recv(client.fd, &echoed, 4, Int32(MSG_WAITALL)) == 4)
            #expect(echoed == Array("ping".utf8))
            client.shutdownWrite()
            #expect(await eventually { reasons.withLock { $0 } == [.closedByPeer] })
            #expect(await eventually { listener.connectionCount == 0 })
        }

        @Test func closeAfterWritingDeliversEverything() throws {
            var bytes = [UInt8](repeating: 0, count: 5 * 1024 * 1024)
            for index in stride(from: 0, to: bytes.count, by: 1000) { bytes[index] = UInt8(truncatingIfNeeded: index) }
            let payload = bytes
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            defer { listener.stop() }
            listener.start { connection in
                connection.start(onRead: { _ in }, onClose: { _ in })
                connection.write(payload)
                connection.closeAfterWriting()
            }
            let client = try TestClient(port: listener.port)
            #expect(try client.readToEnd() == payload)
        }

        @Test func resetAfterWritingDeliversWhatWasWrittenThenResets() throws {
            let payload = [UInt8](repeating: 0x42, count: 10_000)
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            defer { listener.stop() }
            listener.start { connection in
                connection.start(onRead: { _ in }, onClose: { _ in })
                connection.write(payload)
                connection.resetAfterWriting()
            }
            let client = try TestClient(port: listener.port)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var lastErrno: Int32 = 0
            while true {
                let count = recv(client.fd, &buffer, buffer.count, 0)
                if count > 0 { received += buffer[0..<count]; continue }
                lastErrno = count == 0 ? 0 : errno
                if count < 0 && errno == EINTR { continue }
                break
            }
            #expect(received == payload)
            #expect(lastErrno == ECONNRESET, "ends with a reset, not a FIN")
        }

        @Test func backpressureReportsWhenTheBacklogDrains() async throws {
            let events = Locked<[String]>([])
            let chunk = [UInt8](repeating: 7, count: 256 * 1024)
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            defer { listener.stop() }
            listener.start { connection in
                connection.writeHighWaterMark = 512 * 1024
                connection.onWritable = {
                    events.withLock { $0.append("writable \(connection.pendingWriteBytes)") }
                }
                connection.start(onRead: { _ in }, onClose: { _ in })
                // A producer writes until told to stop: the client is not reading yet.
                var written = 0
                while connection.isWritable && written < 64 * 1024 * 1024 {
                    connection.write(chunk)
                    written += chunk.count
                }
                events.withLock { $0.append("paused \(written) \(connection.pendingWriteBytes)") }
            }
            let client = try TestClient(port: listener.port)
            #expect(await eventually { events.withLock { $0.count } == 1 })
            let paused = events.withLock { $0 }[0].split(separator: " ")
            let written = Int(paused[1]) ?? 0
            #expect((Int(paused[2]) ?? 0) >= 512 * 1024, "stopped at the high-water mark")
            var received = 0
            var buffer = [UInt8](repeating: 0, count: 65536)
            while received < written {
                let count = recv(client.fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += count
            }
            #expect(received == written)
            // The callback runs on the connection's queue once the socket has drained,
            // which may be a moment after the client read the last byte.
            #expect(await eventually { (events.withLock { $0 }.last ?? "").hasPrefix("writable") })
            let last = events.withLock { $0 }.last ?? ""
            #expect((Int(last.split(separator: " ")[1]) ?? .max) <= 256 * 1024, "fires at half the mark")
        }

        @Test func pauseAndResumeReading() async throws {
            let received = Locked<[UInt8]>([])
            let holder = Locked<SocketConnection?>(nil)
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            defer { listener.stop() }
            listener.start { connection in
                connection.start(onRead: { bytes in received.withLock { $0 += Array(bytes) } }, onClose: { _ in })
                connection.pauseReading()
                holder.withLock { $0 = connection }
            }
            let client = try TestClient(port: listener.port)
            #expect(await eventually { holder.withLock { $0 } != nil })
            try client.send("abc")
            try await Task.sleep(for: .milliseconds(50))
            #expect(received.withLock { $0 }.isEmpty)
            holder.withLock { $0 }?.resumeReading()
            #expect(await eventually { received.withLock { $0 } == Array("abc".utf8) })
        }

        @Test func stopClosesConnectionsWithServerStopped() async throws {
            let reasons = Locked<[CloseReason]>([])
            let listener = try TCPListener(host: "127.0.0.1", port: 0)
            listener.start { connection in
                connection.start(onRead: { _ in }, onClose: { reason in reasons.withLock { $0.append(reason) } })
            }
            let clients = try (0..<3).map { _ in try TestClient(port: listener.port) }
            #expect(await eventually { listener.connectionCount == 3 })
            listener.stop()
            // stop() returns after every onClose ran.
            #expect(reasons.withLock { $0 } == [.serverStopped, .serverStopped, .serverStopped])
            for client in clients { #expect(client.waitForClose()) }
        }

        @Test func outboundConnectionToADualStackServer() async throws {
            let seen = Locked<String>("")
            let handler = ClosureHandler { request, respond in
                seen.withLock { $0 = request.remoteAddress }
                respond(HTTPResponse(status: 200, body: .bytes(Array("hi".utf8))))
            }
            let server = HTTPServer(configuration: HTTPServerConfiguration(host: "::", port: 0), handler: handler)
            try server.start()
            defer { server.stop() }
            let connection = try SocketConnection.connect(host: "127.0.0.1", port: server.port)
            let received = Locked<[UInt8]>([])
            let closed = Locked<CloseReason?>(nil)
            connection.start(onRead: { bytes in received.withLock { $0 += Array(bytes) } },
                             onClose: { reason in closed.withLock { $0 = reason } })
            connection.write(Array("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".utf8))
            #expect(await eventually { closed.withLock { $0 } == .closedByPeer })
            let text = String(decoding: received.withLock { $0 }, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.hasSuffix("\r\n\r\nhi"))
            // A v4 client of a dual-stack listener is reported as v4.
            #expect(seen.withLock { $0 }.hasPrefix("127.0.0.1:"))
            #expect(throws: TransportError.self) { try SocketConnection.connect(host: "127.0.0.1", port: 1) }
        }

        @Test func droppedListenerReleasesItsPortAndConnections() async throws {
            var listener: TCPListener? = try TCPListener(host: "127.0.0.1", port: 0)
            let port = listener?.port ?? 0
            listener?.start { connection in connection.start(onRead: { _ in }, onClose: { _ in }) }
            let client = try TestClient(port: port)
            #expect(await eventually { listener?.connectionCount == 1 })
            listener = nil
            #expect(client.waitForClose())
            // The listening socket closes asynchronously, on the accept queue.
            #expect(await eventually {
                guard let again = try? TCPListener(host: "127.0.0.1", port: port) else { return false }
                again.stop()
                return true
            })
        }

        @Test func descriptorLimitOnlyRises() {
            let before = DescriptorLimit.current
            #expect(before > 0)
            #expect(DescriptorLimit.raise(to: 16) == before, "never lowered")
            let raised = DescriptorLimit.raise()
            #expect(raised >= before)
            #expect(DescriptorLimit.current == raised)
        }

        @Test func lingeringStopsAfterMaxLingerBytes() throws {
            var limits = HTTPLimits.default
            limits.maxBodyBytes = 10
            limits.lingerTimeout = .seconds(30)
            let server = try startServer(limits: limits)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 100000000\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            // Keep sending: the server discards up to its cap, then closes long
            // before the 30 s linger timeout.
            let start = ContinuousClock.now
            let junk = [UInt8](repeating: 0, count: 64 * 1024)
            var sent = 0
            while sent < 64 * 1024 * 1024 {
                guard (try? client.send(junk)) != nil else { break }
                sent += junk.count
            }
            #expect(sent >= SocketConnection.maxLingerBytes)
            #expect(sent < 64 * 1024 * 1024, "the server closed")
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }
}
