#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

private let systemSend = send

struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
}

/// A blocking TCP connection that sends exactly the bytes it is given, so tests
/// can write requests no HTTP library would produce.
final class RawHTTPConnection {
    let fd: Int32

    /// `receiveBuffer` shrinks SO_RCVBUF before connecting (for a client that reads slowly).
    init(port: UInt16, receiveTimeout: Duration = .seconds(3), receiveBuffer: Int32? = nil) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw RawHTTPError(description: "connect: \(String(cString: strerror(code)))")
        }
        let (seconds, attoseconds) = receiveTimeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Makes the coming close (on deinit) a reset (RST) instead of a FIN.
    func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// False when the server has already closed (EPIPE / ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { systemSend(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    enum End: Equatable {
        case closed
        case reset
        case timedOut
    }

    /// Reads until the server closes, resets or goes quiet for the receive timeout.
    func readUntilClosed(limit: Int = 1 << 22) -> (bytes: [UInt8], end: End) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return (bytes, .closed)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return (bytes, .timedOut)
            } else {
                return (bytes, .reset)
            }
        }
        return (bytes, .timedOut)
    }

    /// Reads one response with a Content-Length body (what the emulator always sends).
    func readResponse() throws -> RawHTTPResponse {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let response = RawHTTPResponse.parseAll(bytes).first, response.complete {
                return response
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                throw RawHTTPError(description: "connection ended after \(bytes.count) bytes (errno \(errno))")
            }
        }
    }
}

/// A response as it came off the wire.
struct RawHTTPResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// False when the bytes ended before the declared body did.
    var complete: Bool

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The OSS error `Code`, if the body is an error document.
    var code: String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// Every response in `bytes`, in order (interim 1xx included); the last may be incomplete.
    static func parseAll(_ bytes: [UInt8], headRequests: Int = 0) -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var cursor = 0
        let separator: [UInt8] = [13, 10, 13, 10]
        while cursor < bytes.count {
            guard let headEnd = firstIndex(of: separator, in: bytes, from: cursor) else { break }
            let headText = String(decoding: bytes[cursor..<headEnd], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { break }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var response = RawHTTPResponse(status: status, headers: headers, body: [], complete: true)
            let bodyStart = headEnd + 4
            let isInterim = (100...199).contains(status)
            let length = isInterim ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
            let available = bytes.count - bodyStart
            response.body = Array(bytes[bodyStart..<(bodyStart + min(length, available))])
            response.complete = available >= length
            responses.append(response)
            cursor = bodyStart + min(length, available)
        }
        return responses
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
