#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SocketConnection {
    /// Opens a client connection (for a publisher, or tests) on a queue of
    /// its own. The connect itself blocks the caller up to `timeout`; after
    /// that the connection is non-blocking like an accepted one. Call `start`.
    public static func connect(host: String, port: UInt16, timeout: Duration = .seconds(5)) throws(TransportError) -> SocketConnection {
        ignoreSIGPIPE()
        let address = try SocketAddress.resolve(host: host, port: port)
        let descriptor = socket(address.family, socketStream, 0)
        guard descriptor >= 0 else { throw .socketFailed(operation: "socket", reason: SystemError.text(errno)) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var target = address
        let result = withUnsafePointer(to: &target.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connectDescriptor(descriptor, $0, address.length) }
        }
        guard result == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            throw .socketFailed(operation: "connect to \(host):\(port)", reason: SystemError.text(code))
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let local = SocketAddress.local(of: descriptor)?.port ?? 0
        return SocketConnection(
            descriptor: descriptor,
            loop: ConnectionQueue(label: "transport.client.\(host):\(port)"),
            remoteAddress: address.description,
            localPort: local
        )
    }
}
