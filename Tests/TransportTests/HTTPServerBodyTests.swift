import Dispatch
import Foundation
import Locking
import Testing
import Digest
@testable import Transport

extension ServerTests {
    @Suite struct Bodies {
        @Test func smallBodiesStayInMemoryLargerOnesAreSpooled() throws {
            let spool = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: spool) }
            let seen = Locked<[HTTPRequestBody]>([])
            let handler = ClosureHandler { request, respond in
                seen.withLock { $0.append(request.body) }
                if case .file(let path, _) = request.body {
                    // The spool file is private to this process.
                    let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
                    respond(HTTPResponse(status: 200, body: .bytes(Array(String(mode, radix: 8).utf8))))
                } else {
                    respond(HTTPResponse(status: 200))
                }
            }
            var limits = HTTPLimits.default
            limits.inMemoryBodyLimit = 16
            let server = try startServer(limits: limits, handler: handler, spoolDirectory: spool)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            let small = String(repeating: "s", count: 16)
            let large = String(repeating: "L", count: 17)
            try client.send("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 16\r\n\r\n" + small)
            #expect(try client.readResponse().status == 200)
            try client.send("PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n" + large)
            #expect(try client.readResponse().text == "600")
            // Chunked bodies move to disk once they pass the limit.
            try client.send("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n")
            #expect(try client.readResponse().text == "600")
            let bodies = seen.withLock { $0 }
            #expect(bodies.first == .bytes(Array(small.utf8)))
            guard bodies.count == 3, case .file(_, 17) = bodies[1], case .file(_, 20) = bodies[2] else {
                Issue.record("unexpected bodies \(bodies)")
                return
            }
            // Spool files are removed once answered.
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty)
        }

        @Test func digestsOfEmptyAndSmallBodies() throws {
            let handler = ClosureHandler { request, respond in
                let text = "\(Hex.encode(request.bodyMD5)) \(request.bodyCRC64)"
                respond(HTTPResponse(status: 200, body: .bytes(Array(text.utf8))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().text == "\(Hex.encode(Hash.md5([UInt8]()))) 0")
            try client.send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n123456789")
            // 0x995DC9BBDF1939FA is the CRC-64/XZ check value of "123456789".
            #expect(try client.readResponse().text
                == "\(Hex.encode(Hash.md5(Array("123456789".utf8)))) \(UInt64(0x995D_C9BB_DF19_39FA))")
        }

        @Test func handlerMayMoveTheSpoolFile() throws {
            let spool = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: spool) }
            let handler = ClosureHandler { request, respond in
                if case .file(let path, _) = request.body {
                    rename(path, spool + "/kept")
                }
                respond(HTTPResponse(status: 200))
            }
            var limits = HTTPLimits.default
            limits.inMemoryBodyLimit = 4
            let server = try startServer(limits: limits, handler: handler, spoolDirectory: spool)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789")
            #expect(try client.readResponse().status == 200)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool) == ["kept"])
            #expect(try String(contentsOfFile: spool + "/kept", encoding: .utf8) == "0123456789")
        }

        @Test func unwritableSpoolDirectoryIsRefused() throws {
            var limits = HTTPLimits.default
            limits.inMemoryBodyLimit = 4
            let server = try startServer(limits: limits, spoolDirectory: "/nonexistent/spool")
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789")
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.text.contains("/nonexistent/spool"))
        }

        @Test func twentyMegabytesInAndOut() throws {
            let size = 20 * 1024 * 1024
            var generator = SplitMix(seed: 42)
            var payload = [UInt8](repeating: 0, count: size)
            payload.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for index in words.indices { words[index] = generator.next() }
            }
            let expectedMD5 = Hash.md5(payload)
            let expectedCRC = CRC64.checksum(payload)
            let spool = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: spool) }
            let stored = spool + "/stored"
            let handler = ClosureHandler { request, respond in
                switch request.body {
                case .file(let path, let length):
                    rename(path, stored)
                    let text = "\(length) \(Hex.encode(request.bodyMD5)) \(request.bodyCRC64)"
                    respond(HTTPResponse(status: 200, body: .bytes(Array(text.utf8))))
                default:
                    let descriptor = open(stored, O_RDONLY)
                    respond(HTTPResponse(status: 200, body: .file(descriptor: descriptor, offset: 0, length: Int64(size))))
                }
            }
            let server = try startServer(handler: handler, spoolDirectory: spool)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(size)\r\n\r\n")
            try client.send(payload)
            let put = try client.readResponse()
            #expect(put.text == "\(size) \(Hex.encode(expectedMD5)) \(expectedCRC)")
            try client.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
            let get = try client.readResponse()
            #expect(get.header("Content-Length") == String(size))
            #expect(get.body.count == size)
            #expect(get.body == payload)
        }

        @Test func fileBodyRangeFromAnOffset() throws {
            let path = try makeTemporaryDirectory() + "/f"
            try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 206, body: .file(descriptor: open(path, O_RDONLY), offset: 3, length: 4)))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().text == "3456")
            #expect(try client.readResponse().text == "3456")
        }

        @Test func fileChunksThenAQueuedResponseKeepTheirOrder() throws {
            let size = OutboundBuffer.fileChunkSize * 2 + 1
            var bytes = [UInt8](repeating: 0, count: size)
            for index in stride(from: 0, to: size, by: 997) { bytes[index] = UInt8(truncatingIfNeeded: index) }
            let content = bytes
            let path = try makeTemporaryDirectory() + "/chunks"
            try Data(content).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { request, respond in
                if request.target == "/file" {
                    respond(HTTPResponse(status: 200, body: .file(descriptor: open(path, O_RDONLY), offset: 0,
                                                                   length: Int64(size))))
                } else {
                    respond(HTTPResponse(status: 200, body: .bytes(Array("after".utf8))))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /file HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().body == content)
            #expect(try client.readResponse().text == "after")
        }

        @Test func directFileFromAnOffsetBetweenChunkedAndBytesKeepsItsPlace() throws {
            // A range long enough for sendfile(2), queued behind a short file and ahead of bytes.
            let size = Int(OutboundBuffer.directFileThreshold == .max ? 1 << 20 : OutboundBuffer.directFileThreshold) * 4 + 7
            var generator = SplitMix(seed: 7)
            let content = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let path = try makeTemporaryDirectory() + "/direct"
            try Data(content).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { request, respond in
                switch request.target {
                case "/short":
                    respond(HTTPResponse(status: 206, body: .file(descriptor: open(path, O_RDONLY), offset: 1, length: 10)))
                case "/long":
                    respond(HTTPResponse(status: 206, body: .file(descriptor: open(path, O_RDONLY), offset: 5,
                                                                   length: Int64(size - 5))))
                default:
                    respond(HTTPResponse(status: 200, body: .bytes(Array("after".utf8))))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /short HTTP/1.1\r\nHost: h\r\n\r\nGET /long HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().body == Array(content[1..<11]))
            let long = try client.readResponse()
            #expect(long.header("Content-Length") == String(size - 5))
            #expect(long.body == Array(content[5...]))
            #expect(try client.readResponse().text == "after")
        }

        @Test func directFileToASlowReaderArrivesWhole() throws {
            // More than the kernel buffers (4 MiB send at most by Debian's default,
            // 64 KiB receive here) while nobody reads: the send stops on EAGAIN and
            // resumes where the kernel stopped, again and again.
            let size = 12 << 20
            var generator = SplitMix(seed: 11)
            let content = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let path = try makeTemporaryDirectory() + "/slow"
            try Data(content).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 200, body: .file(descriptor: open(path, O_RDONLY), offset: 0, length: Int64(size))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            var small: Int32 = 64 << 10
            setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
            // Let the server fill what the socket takes before reading anything.
            Thread.sleep(forTimeInterval: 0.2)
            client.setTimeout(.seconds(30))
            let response = try client.readResponse()
            #expect(response.body.count == size)
            #expect(response.body == content)
        }

        @Test func readerThatResetsMidFileFreesItsSocketAndFile() async throws {
            // The reset meets sendfile(2) (EPIPE / ECONNRESET, never SIGPIPE).
            let size = 12 << 20
            let directory = try makeTemporaryDirectory()
            let path = directory + "/gone"
            try Data(repeating: 0x62, count: size).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 200, body: .file(descriptor: open(path, O_RDONLY), offset: 0, length: Int64(size))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            do {
                let client = try TestClient(port: server.port)
                try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
                var first = [UInt8](repeating: 0, count: 4096)
                #expect(read(client.fd, &first, first.count) > 0)
                client.resetOnClose()
            }
            #expect(await eventually { descriptorCount(port: server.port, paths: [directory], serverSideOnly: true) == 0 })
            // Still serving.
            let next = try TestClient(port: server.port)
            try next.send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try next.readResponse().body.count == size)
        }

        @Test func directFileShorterThanPromisedClosesTheConnection() throws {
            let have = Int(OutboundBuffer.directFileThreshold == .max ? 1 << 20 : OutboundBuffer.directFileThreshold) + 3
            let path = try makeTemporaryDirectory() + "/short-direct"
            try Data(repeating: 0x61, count: have).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 200, body: .file(descriptor: open(path, O_RDONLY), offset: 0,
                                                               length: Int64(have * 2))))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
            // The head promised twice the file; the client gets the file, then the close.
            let bytes = try client.readToEnd()
            let head = Array("HTTP/1.1 200 OK\r\nContent-Length: \(have * 2)\r\n\r\n".utf8)
            #expect(Array(bytes.prefix(head.count)) == head)
            #expect(bytes.count == head.count + have)
        }

        @Test func moreReadyResponsesThanOneGatherTakes() throws {
            let count = OutboundBuffer.maxGather * 2 + 10
            // The first answer comes last, so all the others go out in one flush.
            let handler = ClosureHandler { request, respond in
                let response = HTTPResponse(status: 200, body: .bytes(Array(request.target.utf8)))
                if request.target == "/0" {
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { respond(response) }
                } else {
                    respond(response)
                }
            }
            var limits = HTTPLimits.default
            limits.maxPipelinedRequests = count
            let server = try startServer(limits: limits, handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send((0..<count).map { "GET /\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            for index in 0..<count { #expect(try client.readResponse().text == "/\(index)") }
        }

        @Test func answersQueuedBehindAClosingResponseReleaseTheirFiles() async throws {
            let path = try makeTemporaryDirectory() + "/f"
            try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
            let descriptors = Locked<[Int32]>([])
            let handler = ClosureHandler { request, respond in
                if request.target == "/close" {
                    // Answered last, and it closes the connection.
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) {
                        respond(HTTPResponse(status: 200, headers: ["Connection": "close"]))
                    }
                } else {
                    let descriptor = open(path, O_RDONLY)
                    descriptors.withLock { $0.append(descriptor) }
                    respond(HTTPResponse(status: 200, body: .file(descriptor: descriptor, offset: 0, length: 10)))
                }
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /close HTTP/1.1\r\nHost: h\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.waitForClose())
            let opened = descriptors.withLock { $0 }
            #expect(opened.count == 2)
            #expect(await eventually { opened.allSatisfy { fcntl($0, F_GETFD) == -1 } })
        }

        @Test func fileShorterThanPromisedClosesTheConnection() throws {
            let path = try makeTemporaryDirectory() + "/short"
            try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
            let handler = ClosureHandler { _, respond in
                respond(HTTPResponse(status: 200, body: .file(descriptor: open(path, O_RDONLY), offset: 0, length: 10)))
            }
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let client = try TestClient(port: server.port)
            try client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
            // The head promised 10 bytes; the client sees 3 and then the close.
            let bytes = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(bytes.hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
            #expect(bytes.hasSuffix("abc"))
        }
    }
}
