import Dispatch
import Foundation
import Locking
import Testing
@testable import Transport

@Suite struct TCPConnectorTests {
    /// Waits for `count` results from connect calls.
    final class Results: Sendable {
        private let items = Locked<[Result<SocketConnection, TransportError>]>([])
        private let semaphore = DispatchSemaphore(value: 0)

        func add(_ result: Result<SocketConnection, TransportError>) {
            items.withLock { $0.append(result) }
            semaphore.signal()
        }

        func wait(for count: Int, timeout: Duration = .seconds(5)) -> [Result<SocketConnection, TransportError>] {
            for _ in 0..<count {
                if semaphore.wait(timeout: .now() + .nanoseconds(Int(timeout.nanoseconds))) == .timedOut { break }
            }
            return items.withLock { $0 }
        }
    }

    @Test func connectsAndExchangesBytesWithAListener() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0, queueCount: 1)
        defer { listener.stop() }
        // The server echoes what it reads, upper-cased.
        listener.start { connection in
            connection.start(onRead: { bytes in
                connection.write(bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 })
            }, onClose: { _ in })
        }
        let connector = TCPConnector(queueCount: 2)
        let results = Results()
        connector.connect(host: "localhost", port: listener.port) { results.add($0) }
        guard case .success(let connection)? = results.wait(for: 1).first else {
            Issue.record("connect failed: \(results.wait(for: 0))")
            return
        }
        #expect(connection.remoteAddress == "127.0.0.1:\(listener.port)")
        #expect(connector.connectionQueues.contains { $0 === connection.queue })
        let received = Locked<[UInt8]>([])
        let closed = DispatchSemaphore(value: 0)
        connection.start(onRead: { bytes in
            let done = received.withLock { value -> Bool in
                value.append(contentsOf: bytes)
                return value.count >= 5
            }
            if done { connection.close() }
        }, onClose: { _ in closed.signal() })
        connection.write(Array("hello".utf8))
        #expect(closed.wait(timeout: .now() + 5) == .success)
        #expect(received.withLock { $0 } == Array("HELLO".utf8))
    }

    @Test func aClosedPortIsReportedAsRefused() throws {
        // Bind a port, then free it: nothing listens there any more.
        let closedListener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = closedListener.port
        closedListener.stop()
        let results = Results()
        TCPConnector(queueCount: 1).connect(host: "127.0.0.1", port: port) { results.add($0) }
        guard case .failure(let error)? = results.wait(for: 1).first else {
            Issue.record("connected to a closed port")
            return
        }
        #expect(error.description == "connect to 127.0.0.1:\(port) failed: \(String(cString: strerror(ECONNREFUSED)))")
    }

    @Test func anUnresolvableHostFailsWithoutTrying() {
        let results = Results()
        TCPConnector(queueCount: 1).connect(host: "no such host.invalid", port: 1) { results.add($0) }
        guard case .failure(.invalidHost("no such host.invalid"))? = results.wait(for: 1).first else {
            Issue.record("expected invalidHost")
            return
        }
    }

    @Test func aConnectThatHangsTimesOut() throws {
        // A listener that never accepts, with the smallest backlog: once its
        // queue is full the kernel drops further SYNs, so those connects hang.
        let listener = try TCPListener(host: "127.0.0.1", port: 0, backlog: 0)
        defer { listener.stop() }
        let connector = TCPConnector(queueCount: 1)
        let results = Results()
        let attempts = 6
        let started = ContinuousClock.now
        for _ in 0..<attempts {
            connector.connect(host: "127.0.0.1", port: listener.port, timeout: .milliseconds(300)) { results.add($0) }
        }
        let all = results.wait(for: attempts)
        #expect(all.count == attempts)
        let timedOut = all.filter {
            if case .failure(let error) = $0 { return error.description.hasSuffix(String(cString: strerror(ETIMEDOUT))) }
            return false
        }
        #expect(!timedOut.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(3))
        for case .success(let connection) in all { connection.close() }
    }

}
