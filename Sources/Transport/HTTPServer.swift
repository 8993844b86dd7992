import Locking
import Synchronization

/// An HTTP/1.1 server on POSIX sockets driven by Dispatch.
///
/// Connections are spread over `queueCount` serial queues and stay on one;
/// the handler runs on that queue once a request's body is in (bodies over
/// `inMemoryBodyLimit` are already on disk), and may answer later from any
/// thread. Requests on one connection are read ahead up to
/// `maxPipelinedRequests` and answered in order. A request the transport
/// refuses (malformed, too large, too slow) gets the handler's
/// `response(for:head:)` and the connection closes; other connections are
/// not affected.
///
/// RTMP clients on the same port (first byte 0x03) are handed to
/// `rawProtocolHandler`; TLS and RTMPE clients are closed with a log line.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: HTTPConnection.Context
    private let listener = Locked<TCPListener?>(nil)
    private let boundPort = Atomic<UInt16>(0)

    public init(configuration: HTTPServerConfiguration, handler: any HTTPRequestHandler,
                rawProtocolHandler: RawConnectionHandler? = nil) {
        self.configuration = configuration
        self.context = HTTPConnection.Context(
            handler: handler,
            limits: configuration.limits,
            spoolDirectory: configuration.spoolDirectory,
            rawHandler: rawProtocolHandler,
            log: configuration.log
        )
    }

    /// Binds and listens. Throws `TransportError.bindFailed` with the system's
    /// reason (a busy port names the port).
    public func start() throws(TransportError) {
        let listener = try TCPListener(
            host: configuration.host,
            port: configuration.port,
            queueCount: configuration.queueCount,
            maxConnections: configuration.limits.maxConnections,
            maxConnectionsPerAddress: configuration.limits.connectionsPerAddress,
            // Until its first byte a connection has nothing in progress.
            connectionsStartIdle: true,
            log: configuration.log
        )
        let previous = self.listener.withLock { current -> TCPListener? in
            let previous = current
            current = listener
            return previous
        }
        previous?.stop()
        boundPort.store(listener.port, ordering: .relaxed)
        let context = self.context
        listener.start { socket in
            HTTPConnection(socket: socket, context: context).begin()
        }
    }

    /// The bound port once started (the kernel's choice for port 0); it stays
    /// readable after stop().
    public var port: UInt16 {
        let bound = boundPort.load(ordering: .relaxed)
        return bound != 0 ? bound : configuration.port
    }

    /// Open connections, HTTP and handed-over ones alike.
    public var connectionCount: Int { listener.withLock { $0?.connectionCount } ?? 0 }
    /// See `TCPListener.idleConnectionCount`.
    var idleConnectionCount: Int { listener.withLock { $0?.idleConnectionCount } ?? 0 }

    /// Stops accepting and closes every connection. Called off the server's
    /// queues, it returns once every descriptor is closed; after that no
    /// handler method is called again (responders still accept calls and
    /// close the file bodies they are given).
    public func stop() {
        let listener = self.listener.withLock { current -> TCPListener? in
            let listener = current
            current = nil
            return listener
        }
        listener?.stop()
    }
}
