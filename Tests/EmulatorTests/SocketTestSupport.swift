import Foundation

/// A blocking loopback client for reading streamed responses line by line.
final class LineClient {
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeoutSeconds: Int = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close() }

    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The next line without its LF (and CR); nil at end of stream or timeout.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Lines up to and including the blank line that ends a response head.
    func readHead() -> [String] {
        var lines: [String] = []
        while let line = readLine() {
            if line.isEmpty { return lines }
            lines.append(line)
        }
        return lines
    }

    /// The `data:` payloads of the next `count` SSE messages of a chunked
    /// stream (chunk-size lines are told apart by not containing a colon).
    func readEvents(_ count: Int) -> [(id: String, event: String, data: String)] {
        var events: [(id: String, event: String, data: String)] = []
        var current: [String: String] = [:]
        while events.count < count, let line = readLine() {
            if line.isEmpty {
                if let id = current["id"], let event = current["event"], let data = current["data"] {
                    events.append((id, event, data))
                }
                current = [:]
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            current[String(line[..<colon])] = String(value)
        }
        return events
    }
}
