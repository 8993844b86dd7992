import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import RTMP

/// A blocking one-connection TCP loop that runs a `ServerSession`: enough to
/// let a real publisher talk to the session in a test. It accepts every
/// publish.
final class LoopbackServer {
    let listener: Int32
    let port: UInt16

    struct Result {
        var events: [ServerEvent] = []
        var closeReason: CloseReason?
        /// Every byte the client sent, in order (a replay vector).
        var clientBytes: [UInt8] = []
        var timedOut = false
        var handshakeMode: ServerHandshake.Mode?
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(listener) }

    /// Serves one connection until the client closes it, the session closes
    /// it, or `timeout` passes.
    func serveOne(timeout: Duration, limits: RTMPLimits = .default) -> Result {
        var result = Result()
        let deadline = ContinuousClock.now + timeout
        guard wait(for: listener, until: deadline) else {
            result.timedOut = true
            return result
        }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return result }
        defer { close(connection) }
        var session = ServerSession(limits: limits, now: .now)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            guard wait(for: connection, until: deadline) else {
                result.timedOut = true
                return result
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 {
                result.events += session.connectionClosed().events
                return result
            }
            let bytes = Array(buffer[0..<count])
            result.clientBytes += bytes
            var output = session.receive(bytes, now: .now)
            result.handshakeMode = session.handshakeMode
            while true {
                result.events += output.events
                guard write(output.bytes, to: connection) else { return result }
                if let close = output.close {
                    result.closeReason = close
                    return result
                }
                guard output.events.contains(where: { if case .publishRequested = $0 { true } else { false } }) else {
                    break
                }
                output = session.acceptPublish(now: .now)
            }
        }
    }

    private func wait(for fd: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - .now
            guard left > .zero else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(min(left.components.seconds * 1000 + 1, 1000))
            let ready = poll(&descriptor, 1, millis)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    private func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

/// Runs a program with a time limit; returns its exit status and stderr.
func run(_ executable: String, _ arguments: [String], timeout: Duration, while serving: () -> Void) throws
    -> (status: Int32, stderr: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    serving()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (-1, "timed out; stderr:\n" + text)
    }
    process.waitUntilExit()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, text)
}
