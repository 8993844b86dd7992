import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Locking
import RTMP
import Synchronization

/// A loopback RTMP server for publisher tests: accepts connections on a
/// thread, runs a `ServerSession` per connection on a thread of its own,
/// and answers each publish as `decide` says. Records what each publish
/// carried.
final class RTMPTestServer: Sendable {
    enum Decision: Sendable {
        case accept
        case reject(PublishStatusCode, String)
        /// Accept, then end the publish with an error status after this many media messages.
        case terminateAfter(messages: Int, description: String)
        /// Accept, then close the socket after this many media messages.
        case dropAfter(messages: Int)
        /// Never answer anything.
        case silent
    }

    struct Publish: Sendable, Equatable {
        var streamName: String
        var app: String
        var audio = 0
        var video = 0
        var data = 0
        var lastTimestamp: UInt32 = 0
        var unpublished = false
    }

    let port: UInt16
    private let listener: Int32
    private let decide: @Sendable (String) -> Decision
    private let recorded = Locked<[Publish]>([])
    private let closing = Atomic<Bool>(false)

    init(decide: @escaping @Sendable (String) -> Decision = { _ in .accept }) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        self.decide = decide
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting; connections already open run to their end.
    func close() {
        closing.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
    }

    var publishes: [Publish] { recorded.withLock { $0 } }

    func url(_ stream: String) -> String { "rtmp://127.0.0.1:\(port)/app/live/\(stream)" }

    private func acceptLoop() {
        while !closing.load(ordering: .relaxed) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
        Glibc.close(listener)
    }

    private func serve(_ connection: Int32) {
        defer { Glibc.close(connection) }
        var session = ServerSession(now: .now)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var slot: Int?
        var decision = Decision.accept
        var media = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            var output = session.receive(Array(buffer[0..<count]), now: .now)
            while true {
                var next: ServerSession.Output?
                for event in output.events {
                    switch event {
                    case .publishRequested(let request):
                        decision = decide(request.streamName)
                        slot = recorded.withLock { list in
                            list.append(Publish(streamName: request.streamName, app: request.app))
                            return list.count - 1
                        }
                        if case .silent = decision { continue }
                        if case .reject(let code, let description) = decision {
                            next = session.rejectPublish(code: code, description: description)
                        } else {
                            next = session.acceptPublish(now: .now)
                        }
                    case .audio(let message), .video(let message):
                        media += 1
                        let isAudio = if case .audio = event { true } else { false }
                        update(slot) { publish in
                            if isAudio { publish.audio += 1 } else { publish.video += 1 }
                            publish.lastTimestamp = max(publish.lastTimestamp, message.timestamp)
                        }
                        if case .terminateAfter(let limit, let description) = decision, media == limit {
                            next = session.terminate(description: description)
                        }
                        if case .dropAfter(let limit) = decision, media == limit { return }
                    case .data:
                        update(slot) { $0.data += 1 }
                    case .publishEnded(.unpublished):
                        update(slot) { $0.unpublished = true }
                    case .connected, .publishEnded:
                        break
                    }
                }
                guard send(output.bytes, to: connection) else { return }
                if output.close != nil { return }
                guard let following = next else { break }
                output = following
            }
        }
    }

    private func update(_ slot: Int?, _ change: (inout Publish) -> Void) {
        guard let slot else { return }
        recorded.withLock { change(&$0[slot]) }
    }

    private func send(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
