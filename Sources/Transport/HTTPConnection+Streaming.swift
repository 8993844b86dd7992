/// Streamed response bodies (`HTTPResponseBody.stream`).
extension HTTPConnection {
    static let lastChunk = Array("0\r\n\r\n".utf8)

    func startStreaming(_ stream: HTTPBodyStream, chunked: Bool, closeAfter: Bool) {
        streaming = (stream, chunked, closeAfter)
        let loop = socket.loop
        let sink = HTTPBodyStream.Sink(queue: loop.queue) { [self] event in
            streamEvent(event, from: stream)
        }
        let (buffered, ending) = stream.attach(sink)
        for bytes in buffered { sendStreamBytes(bytes, chunked: chunked) }
        socket.flushOnQueue()
        if let ending {
            streamEvent(ending, from: stream)
        } else {
            // Later requests may be read (not answered) while the stream runs.
            resumeAfterPipelining()
            armTimer()
        }
    }

    private func streamEvent(_ event: HTTPBodyStream.Event, from stream: HTTPBodyStream) {
        guard let current = streaming, current.stream === stream, !closed else { return }
        switch event {
        case .bytes(let bytes):
            sendStreamBytes(bytes, chunked: current.chunked)
            socket.flushOnQueue()
            armTimer()
        case .abort(let reset):
            streaming = nil
            stream.detach()
            socket.flushOnQueue()
            closeAfterResponses(reset: reset)
        case .finish:
            streaming = nil
            stream.detach()
            if current.chunked {
                Self.lastChunk.withUnsafeBytes { socket.writeOnQueue($0) }
            }
            idleSince = monotonicNanoseconds()
            if current.closeAfter {
                closeAfterResponses()
            } else {
                socket.flushOnQueue()
                flushResponses()
            }
        }
    }

    private func sendStreamBytes(_ bytes: [UInt8], chunked: Bool) {
        guard !bytes.isEmpty else { return }
        if chunked {
            var framed = Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A]
            framed.reserveCapacity(framed.count + bytes.count + 2)
            framed.append(contentsOf: bytes)
            framed.append(contentsOf: [0x0D, 0x0A])
            framed.withUnsafeBytes { socket.writeOnQueue($0) }
        } else {
            bytes.withUnsafeBytes { socket.writeOnQueue($0) }
        }
    }
}
