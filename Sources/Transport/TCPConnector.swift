#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Opens outgoing TCP connections, non-blocking and with TCP_NODELAY, and
/// pins each to one of a few serial queues in turn, the way `TCPListener`
/// does for accepted ones: many connections, no thread per connection.
public final class TCPConnector: Sendable {
    /// Used when `connect` is given no timeout.
    public static let defaultConnectTimeout: Duration = .seconds(10)

    let queues: [ConnectionQueue]
    private let next = Atomic<Int>(0)

    public init(queueCount: Int = HTTPServerConfiguration.defaultQueueCount, label: String = "transport.client") {
        ignoreSIGPIPE()
        queues = (0..<max(1, queueCount)).map { ConnectionQueue(label: "\(label).\($0)") }
    }

    /// The queues connections are pinned to.
    public var connectionQueues: [DispatchQueue] { queues.map(\.queue) }

    /// The queue the next `connect` pins its connection to.
    public var nextQueue: DispatchQueue { queues[next.load(ordering: .relaxed) % queues.count].queue }

    /// Connects to `host:port`. `completion` runs once, on the connection's
    /// queue, with a connection that has not started reading (call `start`),
    /// or with why it could not connect (refused, unreachable, timed out).
    public func connect(
        host: String, port: UInt16, timeout: Duration = TCPConnector.defaultConnectTimeout,
        completion: @escaping @Sendable (Result<SocketConnection, TransportError>) -> Void
    ) {
        let loop = queues[next.wrappingAdd(1, ordering: .relaxed).oldValue % queues.count]
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: host, port: port)
        } catch {
            loop.queue.async { completion(.failure(error)) }
            return
        }
        let remote = address.description
        let descriptor = socket(address.family, socketStream, 0)
        guard descriptor >= 0 else {
            let reason = SystemError.text(errno)
            loop.queue.async { completion(.failure(.socketFailed(operation: "socket", reason: reason))) }
            return
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        var target = address
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &target.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connectSocket(descriptor, $0, address.length) }
            }
        } while result != 0 && errno == EINTR
        let code = result == 0 ? 0 : errno
        let attempt = PendingConnect(descriptor: descriptor, loop: loop, remote: remote, port: port,
                                     completion: completion)
        switch code {
        case 0:
            loop.queue.async { attempt.finish(error: 0) }
        case EINPROGRESS:
            attempt.waitForWritable(timeout: timeout)
        default:
            loop.queue.async { attempt.finish(error: code) }
        }
    }
}

/// One connect in flight: waits for the socket to turn writable, then reads
/// SO_ERROR. Confined to its queue.
private final class PendingConnect: @unchecked Sendable {
    private let descriptor: Int32
    private let loop: ConnectionQueue
    private let remote: String
    private let port: UInt16
    private let completion: @Sendable (Result<SocketConnection, TransportError>) -> Void
    private var source: DispatchSourceWrite?
    private var timer: DispatchSourceTimer?
    private var done = false
    private var closeOnCancel = false

    init(descriptor: Int32, loop: ConnectionQueue, remote: String, port: UInt16,
         completion: @escaping @Sendable (Result<SocketConnection, TransportError>) -> Void) {
        self.descriptor = descriptor
        self.loop = loop
        self.remote = remote
        self.port = port
        self.completion = completion
    }

    func waitForWritable(timeout: Duration) {
        let source = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: loop.queue)
        let timer = DispatchSource.makeTimerSource(queue: loop.queue)
        self.source = source
        self.timer = timer
        // Only this handler closes the descriptor, and only after a failure:
        // on success it passes to the connection's own sources.
        source.setCancelHandler { [self] in
            if closeOnCancel { closeDescriptor(descriptor) }
        }
        source.setEventHandler { [self] in
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
            finish(error: error)
        }
        timer.setEventHandler { [self] in finish(error: ETIMEDOUT) }
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: timeout.nanoseconds)))
        loop.queue.async { [self] in
            self.source?.activate()
            self.timer?.activate()
        }
    }

    /// On the queue: hands over a connection, or closes the descriptor and
    /// reports why.
    func finish(error: Int32) {
        guard !done else { return }
        done = true
        timer?.cancel()
        timer = nil
        if error != 0 {
            if let source {
                closeOnCancel = true
                source.cancel()
            } else {
                closeDescriptor(descriptor)
            }
            source = nil
            completion(.failure(.socketFailed(operation: "connect to \(remote)", reason: SystemError.text(error))))
            return
        }
        source?.cancel()
        source = nil
        let connection = SocketConnection(descriptor: descriptor, loop: loop, remoteAddress: remote, localPort: 0)
        completion(.success(connection))
    }
}

private func connectSocket(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
