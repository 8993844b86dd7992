import Dispatch
import Foundation
import Locking
import Testing
@testable import Transport

extension ServerTests {
    /// Connections read on their queue's poll tick (`setBatchedReading`), as
    /// live publishers are: same bytes, same order, same ends as per-event reading.
    @Suite struct BatchedReading {
        /// A listener whose connections switch to batched reading at once and
        /// collect what they read.
        final class Harness: @unchecked Sendable {
            let listener: TCPListener
            let received = Locked<[Int: [UInt8]]>([:])
            let reasons = Locked<[Int: CloseReason]>([:])
            let connections = Locked<[Int: SocketConnection]>([:])
            let accepted = Locked(0)

            init(queueCount: Int = 2) throws {
                listener = try TCPListener(host: "127.0.0.1", port: 0, queueCount: queueCount)
                listener.start { [self] connection in
                    let id = accepted.withLock { count in
                        defer { count += 1 }
                        return count
                    }
                    connections.withLock { $0[id] = connection }
                    connection.start(
                        onRead: { [self] bytes in received.withLock { $0[id, default: []] += Array(bytes) } },
                        onClose: { [self] reason in reasons.withLock { $0[id] = reason } })
                    connection.setBatchedReading(true)
                }
            }

            func bytes(_ id: Int) -> [UInt8] { received.withLock { $0[id] ?? [] } }
        }

        @Test func manyConnectionsReadInOrderOnTheTick() async throws {
            let harness = try Harness()
            defer { harness.listener.stop() }
            let clients = try (0..<40).map { _ in try TestClient(port: harness.listener.port) }
            #expect(await eventually { harness.accepted.withLock { $0 } == clients.count })
            // Accept order is not connect order: each client says who it is.
            for round in 0..<20 {
                for (index, client) in clients.enumerated() { try client.send("c\(index)-\(round);") }
            }
            let expected = (0..<clients.count).map { index in (0..<20).map { "c\(index)-\($0);" }.joined() }
            #expect(await eventually {
                let all = (0..<clients.count).map { String(decoding: harness.bytes($0), as: UTF8.self) }
                return Set(all) == Set(expected)
            })
        }

        @Test func bulkInputIsNotHeldToOneTurnPerTick() async throws {
            let harness = try Harness(queueCount: 1)
            defer { harness.listener.stop() }
            let client = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.accepted.withLock { $0 } == 1 })
            // 32 MiB: at one turn of reads per tick (4 x 64 KiB every 100 ms) this
            // would take 13 s; read on without waiting for the tick it takes far less.
            let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
            let started = ContinuousClock.now
            for _ in 0..<32 { try client.send(chunk) }
            #expect(await eventually(timeout: .seconds(4)) { harness.bytes(0).count == 32 << 20 })
            #expect(ContinuousClock.now - started < .seconds(4))
        }

        @Test func aFloodGoesBackToTheTickOnceItSlowsDown() async throws {
            let harness = try Harness(queueCount: 1)
            defer { harness.listener.stop() }
            let client = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.connections.withLock { $0[0] } != nil })
            let connection = try #require(harness.connections.withLock { $0[0] })
            try client.send([UInt8](repeating: 1, count: 8 << 20))
            #expect(await eventually { harness.bytes(0).count == 8 << 20 })
            // Then a trickle: read on the tick again (in the poll set), every byte arriving.
            for index in 0..<5 {
                try client.send("t\(index)")
                try await Task.sleep(for: .milliseconds(30))
            }
            #expect(await eventually { harness.bytes(0).count == (8 << 20) + 10 })
            #expect(await eventually { connection.queue.sync { connection.inPollSet && !connection.flooding } })
        }

        @Test func pausedConnectionReadsNothingUntilResumed() async throws {
            let harness = try Harness()
            defer { harness.listener.stop() }
            let client = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.connections.withLock { $0[0] } != nil })
            let connection = try #require(harness.connections.withLock { $0[0] })
            try client.send("one")
            #expect(await eventually { harness.bytes(0) == Array("one".utf8) })
            connection.pauseReading()
            try await Task.sleep(for: .milliseconds(20))
            try client.send("two")
            try await Task.sleep(for: .milliseconds(150))
            #expect(harness.bytes(0) == Array("one".utf8), "several ticks passed while paused")
            connection.resumeReading()
            #expect(await eventually { harness.bytes(0) == Array("onetwo".utf8) })
        }

        @Test func peerCloseAndResetEndTheConnection() async throws {
            let harness = try Harness()
            defer { harness.listener.stop() }
            let closing = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.accepted.withLock { $0 } == 1 })
            var resetting: TestClient? = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.accepted.withLock { $0 } == 2 })
            try closing.send("last words")
            closing.shutdownWrite()
            resetting?.resetOnClose()
            resetting = nil
            #expect(await eventually { harness.reasons.withLock { $0.count } == 2 })
            let reasons = harness.reasons.withLock { $0 }
            #expect(reasons[0] == .closedByPeer)
            #expect(harness.bytes(0) == Array("last words".utf8), "bytes in front of the FIN are read")
            if case .failed(_, let code) = reasons[1] { #expect(code == ECONNRESET) } else {
                Issue.record("a reset ends with ECONNRESET, got \(String(describing: reasons[1]))")
            }
            #expect(await eventually { harness.listener.connectionCount == 0 })
        }

        @Test func switchingBackToPerEventReadingKeepsReading() async throws {
            let harness = try Harness()
            defer { harness.listener.stop() }
            let client = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.connections.withLock { $0[0] } != nil })
            let connection = try #require(harness.connections.withLock { $0[0] })
            try client.send("a")
            #expect(await eventually { harness.bytes(0) == Array("a".utf8) })
            connection.setBatchedReading(false)
            try client.send("b")
            #expect(await eventually { harness.bytes(0) == Array("ab".utf8) })
            connection.setBatchedReading(true)
            try client.send("c")
            #expect(await eventually { harness.bytes(0) == Array("abc".utf8) })
        }

        @Test func pollTickRunsWhileBatchedOnly() async throws {
            let harness = try Harness()
            defer { harness.listener.stop() }
            let ticks = Locked(0)
            let client = try TestClient(port: harness.listener.port)
            #expect(await eventually { harness.connections.withLock { $0[0] } != nil })
            let connection = try #require(harness.connections.withLock { $0[0] })
            connection.queue.sync { connection.onPollTick = { ticks.withLock { $0 += 1 } } }
            // 300 ms is several ticks even on a loaded machine.
            try await Task.sleep(for: .milliseconds(300))
            #expect(ticks.withLock { $0 } >= 2)
            connection.setBatchedReading(false)
            try await Task.sleep(for: .milliseconds(50))
            let stopped = ticks.withLock { $0 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(ticks.withLock { $0 } == stopped, "no ticks once reading per event")
            _ = client
        }
    }
}