#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
@testable import Transport

struct TestClientError: Error, CustomStringConvertible {
    let description: String
}

/// A blocking TCP client with receive timeouts, written independently of the
/// server code so the tests check the wire, not the implementation.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    /// `source` binds the client to that local address first (on Linux any
    /// 127.x.y.z is loopback), so one test can play several remote addresses.
    init(port: UInt16, host: String = "127.0.0.1", source: String? = nil, timeout: Duration = .seconds(5)) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket: \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                Glibc.close(fd)
                throw TestClientError(description: "bind \(source): \(String(cString: strerror(code)))")
            }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestClientError(description: "connect: \(String(cString: strerror(code)))")
        }
        setTimeout(timeout)
    }

    deinit { Glibc.close(fd) }

    func setTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TestClientError(description: "send: \(String(cString: strerror(errno)))")
            }
            offset += count
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Makes the coming close (on deinit) a reset (RST) instead of a FIN.
    func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Reads more bytes into the buffer; false on EOF.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return false }
            throw TestClientError(description: "recv: \(String(cString: strerror(errno)))")
        }
    }

    /// One response (interim 1xx responses included), with a body framed by
    /// Content-Length unless `headRequest`.
    func readResponse(headRequest: Bool = false) throws -> TestResponse {
        let terminator = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            if let range = buffer.firstRange(of: terminator) {
                end = range.upperBound
            } else if try !fill() {
                throw TestClientError(description: "connection closed before a response head (got \(buffer.count) bytes)")
            }
        }
        let headBytes = Array(buffer[0..<end!])
        buffer.removeFirst(end!)
        let text = String(decoding: headBytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw TestClientError(description: "bad status line \(statusLine)")
        }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = TestResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
        if !headRequest, status >= 200, status != 204, status != 304 {
            let length = Int(response.header("Content-Length") ?? "0") ?? 0
            while buffer.count < length {
                guard try fill() else { throw TestClientError(description: "closed mid-body") }
            }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return response
    }

    /// A chunked body after a head read with `readResponse(headRequest: true)`;
    /// `onChunk` sees each chunk as it arrives.
    func readChunkedBody(onChunk: ([UInt8]) -> Void = { _ in }) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine()
            guard let size = Int(line.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                throw TestClientError(description: "bad chunk size line \(line)")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            while buffer.count < size + 2 {
                guard try fill() else { throw TestClientError(description: "closed mid-chunk") }
            }
            let chunk = Array(buffer[0..<size])
            onChunk(chunk)
            body += chunk
            buffer.removeFirst(size + 2)
        }
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[0..<index], as: UTF8.self)
                buffer.removeFirst(index + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard try fill() else { throw TestClientError(description: "closed mid-line") }
        }
    }

    /// Whether the server closes the connection (EOF or reset) within the
    /// receive timeout, discarding anything else it sends.
    func waitForClose() -> Bool {
        while true {
            do {
                if try !fill() { return true }
                buffer.removeAll()
            } catch {
                return false
            }
        }
    }

    /// Everything until EOF.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }
}

struct TestResponse {
    var status: Int
    var reason: String
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A handler built from a closure; refusals get the default plain-text response.
struct ClosureHandler: HTTPRequestHandler {
    let body: @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void
    init(_ body: @escaping @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void) { self.body = body }
    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) { body(request, respond) }
}

/// Answers `method target` with the body length, MD5 and CRC-64 as text.
let echoHandler = ClosureHandler { request, respond in
    let text = "\(request.method) \(request.target) \(request.body.length)"
    respond(HTTPResponse(status: 200, headers: ["X-Target": request.target], body: .bytes(Array(text.utf8))))
}

func startServer(
    limits: HTTPLimits = .default,
    handler: any HTTPRequestHandler = echoHandler,
    spoolDirectory: String = NSTemporaryDirectory(),
    raw: RawConnectionHandler? = nil,
    log: (@Sendable (String) -> Void)? = nil
) throws -> HTTPServer {
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, limits: limits, spoolDirectory: spoolDirectory, queueCount: 2, log: log
        ),
        handler: handler,
        rawProtocolHandler: raw
    )
    try server.start()
    return server
}

/// Open sockets and files of this process. Dispatch's own event descriptors
/// (eventfd, timerfd, pipes), created lazily on first use, are not counted.
/// Descriptors of this process that belong to one server: TCP sockets whose
/// local or remote port is `port`, and files whose path starts with one of
/// `paths`. Other suites run at the same time in this process and open
/// descriptors of their own; counting only ours keeps the checks exact.
/// With `serverSideOnly`, only sockets accepted on `port` (local port `port`,
/// a peer attached) count among the sockets, not the listener or clients.
func descriptorCount(port: UInt16, paths: [String] = [], serverSideOnly: Bool = false) -> Int {
    var ports: [String: (UInt16, UInt16)] = [:]
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        guard let data = FileManager.default.contents(atPath: table) else { continue }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9,
                  let local = fields[1].split(separator: ":").last.flatMap({ UInt16($0, radix: 16) }),
                  let remote = fields[2].split(separator: ":").last.flatMap({ UInt16($0, radix: 16) }) else { continue }
            ports[String(fields[9])] = (local, remote)
        }
    }
    let directory = "/proc/self/fd/"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return -1 }
    return names.filter { name in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + name) else { return false }
        if target.hasPrefix("socket:["), let (local, remote) = ports[String(target.dropFirst(8).dropLast())] {
            if serverSideOnly { return local == port && remote != 0 }
            return local == port || remote == port
        }
        return paths.contains { target.hasPrefix($0) }
    }.count
}

/// A fresh empty directory under the temp directory.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "transport-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Polls `condition` until true or the timeout passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
