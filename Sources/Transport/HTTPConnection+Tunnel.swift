/// CONNECT: the handler decides; an accepted tunnel takes the socket over
/// (as the RTMP hand-off does) once the CONNECT's input is decoded.
extension HTTPConnection {
    static let connectEstablished = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)

    /// True when the CONNECT was answered here (opened or refused).
    func answerConnect(_ head: HTTPRequestHead, slot: Slot) -> Bool {
        guard let decision = context.handler.tunnel(for: head) else { return false }
        inputHalted = true
        switch decision {
        case .refuse(let response):
            slot.closeAfter = true
            slot.response = response
            flushResponses()
        case .open(let tls):
            guard slots.count == 1 else {
                // Requests pipelined ahead of a CONNECT would answer into the tunnel.
                slot.closeAfter = true
                slot.response = HTTPRequestError.malformedRequestLine.plainTextResponse
                flushResponses()
                return true
            }
            slots.removeAll()
            acceptedTunnel = (tls, HTTPConnection.tunnelHost(head.target))
        }
        return true
    }

    func startTunnel(alreadyRead: [UInt8]) {
        guard let (tls, host) = acceptedTunnel else { return }
        acceptedTunnel = nil
        detached = true
        cancelTimer()
        pendingInput = []
        socket.onWritable = nil
        Self.connectEstablished.withUnsafeBytes { socket.writeOnQueue($0) }
        socket.flushOnQueue()
        guard let session = TLSServerSession(context: tls),
              TLSTunnel.open(client: socket, session: session, host: host, context: context, alreadyRead: alreadyRead) != nil
        else {
            context.log?("transport: closed tunnel \(socket.remoteAddress) → \(host): cannot set up TLS")
            socket.close()
            return
        }
    }

    /// `host:port` (authority form) → host; brackets of an IPv6 literal stay.
    static func tunnelHost(_ authority: String) -> String {
        if authority.hasPrefix("[") {
            return String(authority.prefix { $0 != "]" }) + "]"
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }
}
