import Foundation
import MediaFormats
import RTMP

/// Why publishing a file failed.
public enum FLVPublishError: Error, Equatable, CustomStringConvertible {
    case badURL(String)
    case file(String)
    case connect(String)
    /// The server refused the publish (`NetStream.Publish.BadName`, `.Denied`).
    case refused(code: String, description: String)
    /// The connection ended or broke before the file was sent.
    case connection(String)

    public var description: String {
        switch self {
        case .badURL(let url): return "not an rtmp://host:port/app/stream URL: \(url)"
        case .file(let message): return "cannot read the FLV file: \(message)"
        case .connect(let message): return "cannot connect: \(message)"
        case .refused(let code, let description): return "publish refused: \(code): \(description)"
        case .connection(let message): return "connection lost: \(message)"
        }
    }
}

/// Publishes an FLV file over RTMP the way ffmpeg `-c copy -f flv` does,
/// for in-process tests: a blocking socket on a thread of its own, so the
/// caller's executor never blocks.
public enum FLVFilePublisher {
    /// Read/write timeout of the socket: a server that stops answering fails the publish.
    public static let socketTimeoutSeconds = 10

    /// Sends every tag of `file` to `url` (`rtmp://host:port/<app>/<stream>?<query>`),
    /// then unpublishes. `realtime` paces tags by their timestamps (like `-re`).
    public static func publish(file: String, to url: String, realtime: Bool = false) async throws(FLVPublishError) {
        let result: Result<Void, FLVPublishError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(FLVPublishError) in
                    try publishBlocking(file: file, to: url, realtime: realtime)
                })
            }
            thread.name = "flv-publisher"
            thread.start()
        }
        try result.get()
    }

    /// Splits `rtmp://host:port/a/b/stream?q` into host, port, app (`a/b`) and stream (`stream?q`).
    static func parse(_ url: String) -> (host: String, port: UInt16, app: String, stream: String, tcUrl: String)? {
        guard url.hasPrefix("rtmp://") else { return nil }
        let rest = url.dropFirst("rtmp://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let authority = rest[..<slash]
        var path = String(rest[rest.index(after: slash)...])
        var query = ""
        if let mark = path.firstIndex(of: "?") {
            query = String(path[mark...])
            path = String(path[..<mark])
        }
        guard let lastSlash = path.lastIndex(of: "/") else { return nil }
        let app = String(path[..<lastSlash])
        let stream = String(path[path.index(after: lastSlash)...]) + query
        var host = String(authority)
        var port: UInt16 = 1935
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = UInt16(authority[authority.index(after: colon)...]) else { return nil }
            host = String(authority[..<colon])
            port = number
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !app.isEmpty, !stream.isEmpty else { return nil }
        return (host, port, app, stream, "rtmp://\(authority)/\(app)")
    }

    static func publishBlocking(file: String, to url: String, realtime: Bool) throws(FLVPublishError) {
        guard let target = parse(url) else { throw .badURL(url) }
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw .file("\(file): \(error.localizedDescription)")
        }
        var reader: FLVFileReader
        do { reader = try FLVFileReader(bytes: bytes) } catch { throw .file("\(file): \(error)") }

        let socket = try BlockingSocket(host: target.host, port: target.port, timeoutSeconds: socketTimeoutSeconds)
        defer { socket.close() }
        var session = ClientSession(
            configuration: ClientSession.Configuration(app: target.app, tcUrl: target.tcUrl, streamName: target.stream), now: .now)
        try socket.send(session.start().bytes)
        while !session.isPublishing {
            let input = try socket.receive()
            guard !input.isEmpty else { throw .connection("the server closed the connection before the publish started") }
            let output = session.receive(input, now: .now)
            try socket.send(output.bytes)
            if let reason = output.close { throw failure(reason) }
        }
        let started = ContinuousClock.now
        while true {
            let tag: FLVTag?
            do { tag = try reader.next() } catch { throw .file("\(file): \(error)") }
            guard let tag else { break }
            if realtime {
                let due = started + .milliseconds(Int64(tag.timestamp))
                if due > .now { Thread.sleep(forTimeInterval: Double((due - .now).components.attoseconds) / 1e18 + Double((due - .now).components.seconds)) }
            }
            let payload = Array(tag.payload)
            let out: [UInt8]
            do {
                switch tag.knownType {
                case .audio: out = try session.sendAudio(timestamp: tag.timestamp, payload: payload)
                case .video: out = try session.sendVideo(timestamp: tag.timestamp, payload: payload)
                case .script: out = try session.sendMetadata(timestamp: tag.timestamp, scriptData: payload)
                case nil: continue
                }
            } catch {
                throw .connection("the session stopped publishing")
            }
            try socket.send(out)
            // Answers (acknowledgements, a refusal) arrive while sending.
            while let input = try socket.receiveIfAvailable() {
                guard !input.isEmpty else { throw .connection("the server closed the connection while publishing") }
                let output = session.receive(input, now: .now)
                try socket.send(output.bytes)
                if let reason = output.close { throw failure(reason) }
            }
        }
        try socket.send(session.unpublish().bytes)
        socket.shutdownWrite()
        // The server closes once it has taken everything in.
        while let input = try? socket.receive(), !input.isEmpty {}
    }

    private static func failure(_ reason: RTMP.CloseReason) -> FLVPublishError {
        switch reason {
        case .publishRejected(let code, let description): return .refused(code: code, description: description)
        case .terminated(let description): return .refused(code: "", description: description)
        default: return .connection("\(reason)")
        }
    }
}

/// A connected blocking TCP socket with send/receive timeouts.
private final class BlockingSocket {
    private var descriptor: Int32

    init(host: String, port: UInt16, timeoutSeconds: Int) throws(FLVPublishError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var current: UnsafeMutablePointer<addrinfo>? = first
        descriptor = -1
        while let entry = current {
            let fd = socket(entry.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 {
                    descriptor = fd
                    return
                }
                lastError = String(cString: strerror(errno))
                Glibc.close(fd)
            }
            current = entry.pointee.ai_next
        }
        throw .connect("\(host):\(port): \(lastError)")
    }

    func send(_ bytes: [UInt8]) throws(FLVPublishError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .connection("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// Blocks for input; empty at end of stream.
    func receive() throws(FLVPublishError) -> [UInt8] {
        try read(flags: 0) ?? []
    }

    /// Input already waiting; nil when there is none.
    func receiveIfAvailable() throws(FLVPublishError) -> [UInt8]? {
        try read(flags: Int32(MSG_DONTWAIT))
    }

    private func read(flags: Int32) throws(FLVPublishError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, flags) }
            if count >= 0 { return Array(buffer[..<count]) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                if flags & Int32(MSG_DONTWAIT) != 0 { return nil }
                throw .connection("no answer from the server within the timeout")
            }
            throw .connection("recv: \(String(cString: strerror(errno)))")
        }
    }

    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }
}
