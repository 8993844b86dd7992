#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Locking

/// A listening TCP socket that hands each accepted connection, non-blocking
/// and with TCP_NODELAY, to one of a few serial queues in turn, within the
/// connection limits (`ConnectionTable`: overall, per remote address, idle
/// connections shed to make room).
///
/// `stop()` stops accepting and closes every connection it accepted that is
/// still open, including connections handed on to other code.
public final class TCPListener: Sendable {
    /// Pending connections the kernel queues before accept (capped by somaxconn).
    public static let defaultBacklog: Int32 = 4096
    /// Accepts per readable event, so a connection storm cannot starve stop().
    static let maxAcceptsPerEvent = 64
    /// Pause before accepting again when out of descriptors.
    static let descriptorExhaustionBackoff: DispatchTimeInterval = .milliseconds(100)
    /// How long stop() waits for connections to finish closing.
    static let stopWaitLimit: DispatchTimeInterval = .seconds(10)

    public let host: String
    /// The bound port (the kernel's choice when 0 was asked for).
    public let port: UInt16
    public let maxConnections: Int
    /// Connections one remote address (IP) may hold.
    public let maxConnectionsPerAddress: Int
    /// New connections count as idle (sheddable) until their owner reports.
    let connectionsStartIdle: Bool
    let queues: [ConnectionQueue]
    private let acceptQueue: DispatchQueue
    private let listenDescriptor: Int32
    private let log: (@Sendable (String) -> Void)?
    private let group = DispatchGroup()
    private let state: Locked<ListenerState>

    private struct ListenerState: ~Copyable {
        var source: UncheckedBox<DispatchSourceRead>?
        var acceptPaused = false
        var started = false
        var stopped = false
        var nextQueue = 0
        var connections: ConnectionTable
    }

    /// Binds and listens at once, so a busy port fails here with a clear message.
    public init(
        host: String, port: UInt16,
        queueCount: Int = HTTPServerConfiguration.defaultQueueCount,
        maxConnections: Int = HTTPLimits.default.maxConnections,
        maxConnectionsPerAddress: Int? = nil,
        connectionsStartIdle: Bool = false,
        backlog: Int32 = TCPListener.defaultBacklog,
        log: (@Sendable (String) -> Void)? = nil
    ) throws(TransportError) {
        ignoreSIGPIPE()
        let address = try SocketAddress.resolve(host: host, port: port)
        let descriptor = try Self.bindAndListen(address, host: host, port: port, backlog: backlog)
        self.host = host
        self.listenDescriptor = descriptor
        self.port = SocketAddress.local(of: descriptor)?.port ?? port
        let table = ConnectionTable(
            maxConnections: maxConnections,
            maxPerAddress: maxConnectionsPerAddress ?? HTTPLimits.addressShare(of: maxConnections))
        self.maxConnections = table.maxConnections
        self.maxConnectionsPerAddress = table.maxPerAddress
        self.connectionsStartIdle = connectionsStartIdle
        self.state = Locked(ListenerState(connections: table))
        self.log = log
        self.queues = (0..<max(1, queueCount)).map { ConnectionQueue(label: "transport.connections.\($0)") }
        self.acceptQueue = DispatchQueue(label: "transport.accept.\(self.port)")
    }

    /// A listener dropped without stop() still releases its port and its
    /// connections (without waiting for them).
    deinit {
        let (source, paused, started, connections) = state.withLock { state in
            let source = state.stopped ? nil : state.source
            let open = state.stopped ? [] : state.connections.entries.values.map(\.connection)
            let result = (source, state.acceptPaused, state.started, open)
            state.stopped = true
            return result
        }
        if let source = source?.value {
            source.cancel()
            if paused { source.resume() }
        } else if !started {
            closeDescriptor(listenDescriptor)
        }
        for connection in connections { connection.close(reason: .serverStopped) }
    }

    /// The queues connections are pinned to.
    public var connectionQueues: [DispatchQueue] { queues.map(\.queue) }

    /// Connections accepted and not yet closed (those being shed included).
    public var connectionCount: Int { state.withLock { $0.connections.entries.count } }
    /// Connections that may be shed now (idle: nothing in progress, nothing to send).
    var idleConnectionCount: Int {
        state.withLock { $0.connections.entries.values.filter { $0.connection.idleSince != 0 }.count }
    }

    /// Starts accepting; `onConnection` runs on the new connection's queue,
    /// which should call `start` on it.
    public func start(onConnection: @escaping @Sendable (SocketConnection) -> Void) {
        let source = DispatchSource.makeReadSource(fileDescriptor: listenDescriptor, queue: acceptQueue)
        let shouldStart = state.withLock { state -> Bool in
            guard !state.started && !state.stopped else { return false }
            state.started = true
            state.source = UncheckedBox(source)
            return true
        }
        guard shouldStart else { return }
        group.enter()
        let descriptor = listenDescriptor
        source.setEventHandler { [weak self] in self?.acceptAvailable(onConnection) }
        source.setCancelHandler { [group] in
            closeDescriptor(descriptor)
            group.leave()
        }
        source.activate()
    }

    /// Stops accepting and closes every open connection; when it returns
    /// (called off the connection queues) every descriptor is closed and no
    /// connection callback runs again.
    public func stop() {
        let (box, wasStarted, resumeSource, connections) = state.withLock { state in
            let first = !state.stopped
            state.stopped = true
            let source = first ? state.source?.value : nil
            let paused = state.acceptPaused
            state.acceptPaused = false
            return (source.map(UncheckedBox.init), state.started, first && paused,
                    first ? state.connections.entries.values.map(\.connection) : [])
        }
        if let source = box?.value {
            source.cancel()
            if resumeSource { source.resume() }
        } else if !wasStarted {
            // Never started: nothing else will close the descriptor.
            state.withLock { state in
                if !state.started { state.started = true; closeDescriptor(listenDescriptor) }
            }
        }
        for connection in connections { connection.close(reason: .serverStopped) }
        if ConnectionQueue.current(among: queues) == nil {
            if group.wait(timeout: .now() + Self.stopWaitLimit) == .timedOut {
                log?("transport: connections still closing after stop on port \(port)")
            }
        }
    }

    private func acceptAvailable(_ onConnection: @escaping @Sendable (SocketConnection) -> Void) {
        for _ in 0..<Self.maxAcceptsPerEvent {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { acceptConnection(listenDescriptor, $0, &length) }
            }
            if descriptor < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EAGAIN, EWOULDBLOCK: return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    log?("transport: accept on port \(port) failed: \(SystemError.text(errno)); pausing")
                    pauseAccepting()
                    return
                default:
                    log?("transport: accept on port \(port) failed: \(SystemError.text(errno))")
                    return
                }
            }
            configureAccepted(descriptor)
            var address = SocketAddress()
            address.storage = storage
            address.length = length
            admit(descriptor, remote: address.description, host: address.host, onConnection)
        }
    }

    private func admit(_ descriptor: Int32, remote: String, host: String,
                       _ onConnection: @escaping @Sendable (SocketConnection) -> Void) {
        let (connection, decision) = state.withLock { state -> (SocketConnection?, ConnectionTable.Admission) in
            guard !state.stopped else { return (nil, .refuseLimit) }
            let decision = state.connections.admission(from: host)
            switch decision {
            case .refuseAddressShare, .refuseLimit: return (nil, decision)
            case .admit, .admitShedding: break
            }
            let loop = queues[state.nextQueue % queues.count]
            state.nextQueue &+= 1
            let connection = SocketConnection(descriptor: descriptor, loop: loop, remoteAddress: remote, localPort: port,
                                              idle: connectionsStartIdle)
            let id = ObjectIdentifier(connection)
            // Set up before stop() can see the connection (it snapshots under this lock).
            group.enter()
            connection.onFinalize = { [weak self, group] in
                self?.state.withLock { $0.connections.remove(id) }
                group.leave()
            }
            state.connections.insert(connection, from: host)
            return (connection, decision)
        }
        guard let connection else {
            switch decision {
            case .refuseAddressShare:
                log?("transport: refused \(remote) on port \(port): its address holds \(maxConnectionsPerAddress) connections, its share of \(maxConnections), none idle")
            default:
                if !state.withLock({ $0.stopped }) {
                    log?("transport: refused \(remote) on port \(port): \(maxConnections) connections already open, none idle")
                }
            }
            closeDescriptor(descriptor)
            return
        }
        if case .admitShedding(let idle) = decision {
            let id = ObjectIdentifier(idle)
            idle.shedIfIdle { [weak self] in
                self?.state.withLock { $0.connections.shedDeclined(id) }
            }
        }
        connection.queue.async { onConnection(connection) }
    }

    private func pauseAccepting() {
        let box = state.withLock { state -> UncheckedBox<DispatchSourceRead>? in
            guard !state.stopped, !state.acceptPaused, let source = state.source else { return nil }
            state.acceptPaused = true
            return source
        }
        guard let box else { return }
        box.value.suspend()
        acceptQueue.asyncAfter(deadline: .now() + Self.descriptorExhaustionBackoff) { [weak self] in
            guard let self else { return }
            let resume = self.state.withLock { state -> Bool in
                guard state.acceptPaused else { return false }
                state.acceptPaused = false
                return true
            }
            if resume { box.value.resume() }
        }
    }

    private func configureAccepted(_ descriptor: Int32) {
        var one: Int32 = 1
        // Without it a response split over writes waits ~40 ms on delayed ACKs.
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private static func bindAndListen(
        _ address: SocketAddress, host: String, port: UInt16, backlog: Int32
    ) throws(TransportError) -> Int32 {
        let descriptor = socket(address.family, socketStream, 0)
        guard descriptor >= 0 else {
            throw .bindFailed(host: host, port: port, reason: SystemError.text(errno))
        }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var bound = address
        let bindResult = withUnsafePointer(to: &bound.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        if bindResult != 0 || listen(descriptor, backlog) != 0 {
            let code = errno
            closeDescriptor(descriptor)
            throw .bindFailed(host: host, port: port, reason: bindFailureText(code, port: port))
        }
        return descriptor
    }

    static func bindFailureText(_ code: Int32, port: UInt16) -> String {
        let text = SystemError.text(code)
        switch code {
        case EADDRINUSE: return "\(text) (another process is listening on port \(port))"
        case EACCES: return "\(text) (ports below 1024 need privileges)"
        case EADDRNOTAVAIL: return "\(text) (the host is not an address of this machine)"
        default: return text
        }
    }
}

private func acceptConnection(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>,
                              _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
    let descriptor = accept(listener, address, length)
    if descriptor >= 0 {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }
    return descriptor
}

private let ignoringSIGPIPE: Bool = {
    // Writes to a peer that has gone must fail with EPIPE, not kill the process.
    signal(SIGPIPE, SIG_IGN)
    return true
}()

func ignoreSIGPIPE() { _ = ignoringSIGPIPE }
