#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// A CONNECT tunnel whose TLS the server terminates. The client's socket
/// carries ciphertext; the plaintext goes over a socket pair to an ordinary
/// `HTTPConnection` on the same queue, so requests in a tunnel meet the same
/// decoder, limits, spooling and handler as plain ones, and the plain path
/// pays nothing for tunnels. Backpressure runs both ways through
/// `isWritable`/`onWritable`.
final class TLSTunnel: @unchecked Sendable {
    private let client: SocketConnection
    private let plain: SocketConnection
    private let session: TLSServerSession
    private let host: String
    private let log: (@Sendable (String) -> Void)?
    private var handshakeTimer: DispatchSourceTimer?
    private var finished = false

    /// Makes the socket pair and the connection serving its other end, or
    /// nil when the system refuses a socket pair.
    static func open(client: SocketConnection, session: TLSServerSession, host: String,
                     context: HTTPConnection.Context, alreadyRead: [UInt8]) -> TLSTunnel? {
        var pair: [Int32] = [-1, -1]
        #if canImport(Darwin)
        let type = SOCK_STREAM
        #else
        let type = Int32(SOCK_STREAM.rawValue)
        #endif
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else { return nil }
        for descriptor in pair {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
        }
        let plain = SocketConnection(descriptor: pair[0], loop: client.loop,
                                     remoteAddress: client.remoteAddress, localPort: client.localPort)
        let served = SocketConnection(descriptor: pair[1], loop: client.loop,
                                      remoteAddress: client.remoteAddress, localPort: client.localPort)
        let tunnel = TLSTunnel(client: client, plain: plain, session: session, host: host, log: context.log)
        var inner = context
        inner.tunnelled = true
        HTTPConnection(socket: served, context: inner).begin()
        tunnel.start(alreadyRead)
        return tunnel
    }

    private init(client: SocketConnection, plain: SocketConnection, session: TLSServerSession, host: String,
                 log: (@Sendable (String) -> Void)?) {
        self.client = client
        self.plain = plain
        self.session = session
        self.host = host
        self.log = log
    }

    /// On the connection's queue.
    private func start(_ alreadyRead: [UInt8]) {
        client.onWritable = { [self] in plain.resumeReading() }
        plain.onWritable = { [self] in client.resumeReading() }
        client.start(
            onRead: { [self] in fromClient($0) },
            onEndOfInput: { [self] in plain.closeAfterWriting() },
            onClose: { [self] _ in
                finish()
                plain.close()
            })
        plain.start(
            onRead: { [self] in fromServer($0) },
            onEndOfInput: { [self] in closeClient() },
            onClose: { [self] _ in closeClient() })
        let timer = DispatchSource.makeTimerSource(queue: client.queue)
        timer.schedule(deadline: .now() + .nanoseconds(Int(TLSLimits.handshakeTimeout.nanoseconds)))
        timer.setEventHandler { [self] in
            guard !session.handshakeFinished else { return }
            fail("no TLS handshake within \(TLSLimits.handshakeTimeout)")
        }
        timer.activate()
        handshakeTimer = timer
        if !alreadyRead.isEmpty { alreadyRead.withUnsafeBytes { fromClient($0) } }
    }

    private func fromClient(_ ciphertext: UnsafeRawBufferPointer) {
        guard !finished else { return }
        let plaintext: [UInt8]
        do {
            plaintext = try session.receive(ciphertext)
        } catch {
            fail("TLS with \(host) failed: \(error)")
            return
        }
        if session.handshakeFinished, let timer = handshakeTimer {
            timer.cancel()
            handshakeTimer = nil
        }
        sendToClient()
        if !plaintext.isEmpty {
            plain.write(plaintext)
            if !plain.isWritable { client.pauseReading() }
        }
        if session.peerClosed { plain.closeAfterWriting() }
    }

    private func fromServer(_ plaintext: UnsafeRawBufferPointer) {
        guard !finished else { return }
        do {
            try session.send(plaintext)
        } catch {
            fail("TLS with \(host) failed: \(error)")
            return
        }
        sendToClient()
        if !client.isWritable { plain.pauseReading() }
    }

    private func sendToClient() {
        let output = session.takeOutput()
        if !output.isEmpty { client.write(output) }
    }

    /// The inner server is done: close_notify, then close once sent.
    private func closeClient() {
        guard !finished else { return }
        finish()
        session.shutdown()
        sendToClient()
        client.closeAfterWriting()
    }

    private func fail(_ why: String) {
        guard !finished else { return }
        log?("transport: closed tunnel \(client.remoteAddress) → \(host): \(why)")
        finish()
        sendToClient()  // a TLS alert, when the failure made one
        client.closeAfterWriting()
        plain.close()
    }

    private func finish() {
        finished = true
        handshakeTimer?.cancel()
        handshakeTimer = nil
    }
}
