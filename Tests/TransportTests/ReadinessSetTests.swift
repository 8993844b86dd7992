import Dispatch
import Foundation
import Locking
import Testing
@testable import Transport

extension ServerTests {
    /// Per-event reading through the queue's epoll set, and through a read
    /// source per connection where there is none.
    @Suite struct ReadinessSets {
        /// A connected pair of stream sockets; the first end goes to a `SocketConnection`.
        private static func pair() throws -> (Int32, Int32) {
            var fds: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw POSIXError(.EIO) }
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            return (fds[0], fds[1])
        }

        private static func send(_ fd: Int32, _ text: String) {
            let bytes = Array(text.utf8)
            #expect(write(fd, bytes, bytes.count) == bytes.count)
        }

        @Test(arguments: [true, false])
        func readsPausesResumesAndSeesTheEnd(perEventSet: Bool) async throws {
            let loop = ConnectionQueue(label: "test.readiness", perEventSet: perEventSet)
            #expect((loop.readiness != nil) == perEventSet)
            let (mine, peer) = try Self.pair()
            defer { close(peer) }
            let received = Locked<String>("")
            let reasons = Locked<[CloseReason]>([])
            let connection = SocketConnection(descriptor: mine, loop: loop, remoteAddress: "pair", localPort: 0)
            connection.start(onRead: { bytes in received.withLock { $0 += String(decoding: bytes, as: UTF8.self) } },
                             onClose: { reason in reasons.withLock { $0.append(reason) } })
            Self.send(peer, "a")
            #expect(await eventually { received.withLock { $0 } == "a" })
            connection.pauseReading()
            Self.send(peer, "b")
            try await Task.sleep(for: .milliseconds(50))
            #expect(received.withLock { $0 } == "a", "nothing is read while paused")
            connection.resumeReading()
            #expect(await eventually { received.withLock { $0 } == "ab" })
            shutdown(peer, Int32(SHUT_WR))
            #expect(await eventually { reasons.withLock { $0 } == [.closedByPeer] })
            if let readiness = loop.readiness {
                #expect(loop.queue.sync { readiness.count } == 0, "a closed connection leaves the set")
            }
        }

        @Test func inputWhilePausedTakesTheConnectionOutOfTheSetUntilResumed() async throws {
            let loop = ConnectionQueue(label: "test.readiness.paused")
            let (mine, peer) = try Self.pair()
            defer { close(peer) }
            let received = Locked<String>("")
            let connection = SocketConnection(descriptor: mine, loop: loop, remoteAddress: "pair", localPort: 0)
            defer { connection.close() }
            connection.start(onRead: { bytes in received.withLock { $0 += String(decoding: bytes, as: UTF8.self) } },
                             onClose: { _ in })
            #expect(await eventually { loop.queue.sync { connection.inReadinessSet } })
            // Pausing costs no system call: the connection stays in the set …
            connection.pauseReading()
            #expect(loop.queue.sync { connection.inReadinessSet })
            // … until input turns up, which it must not report again and again.
            Self.send(peer, "late")
            #expect(await eventually { loop.queue.sync { !connection.inReadinessSet } })
            #expect(received.withLock { $0 }.isEmpty)
            connection.resumeReading()
            #expect(await eventually { received.withLock { $0 } == "late" })
            #expect(loop.queue.sync { connection.inReadinessSet })
        }

        @Test func oneSetServesManyConnections() async throws {
            let loop = ConnectionQueue(label: "test.readiness.many")
            let count = 200
            let received = Locked<[Int: String]>([:])
            var peers: [Int32] = []
            var connections: [SocketConnection] = []
            defer {
                for connection in connections { connection.close() }
                for peer in peers { close(peer) }
            }
            for index in 0..<count {
                let (mine, peer) = try Self.pair()
                peers.append(peer)
                let connection = SocketConnection(descriptor: mine, loop: loop, remoteAddress: "pair \(index)", localPort: 0)
                connection.start(onRead: { bytes in
                    let text = String(decoding: bytes, as: UTF8.self)
                    received.withLock { $0[index, default: ""] += text }
                }, onClose: { _ in })
                connections.append(connection)
            }
            #expect(await eventually { loop.queue.sync { loop.readiness?.count } == count })
            for (index, peer) in peers.enumerated() { Self.send(peer, "message \(index)") }
            #expect(await eventually { received.withLock { $0.count } == count })
            #expect(received.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, "message \($0)") }))
        }
    }
}
