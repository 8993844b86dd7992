/// The server side of the handshake (media-pipeline.md §1).
///
/// Waits for C0+C1 (1537 bytes), answers S0+S1+S2 in one write, then waits
/// for C2 (1536 bytes, not validated: FFmpeg answers a digest S1 with a plain
/// copy). Bytes after C2 belong to the chunk stream and are handed back.
public struct ServerHandshake: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Echo handshake: S1 bytes 4–7 zero, S2 = C1.
        case simple
        /// C1 carried a valid digest; S1 and S2 are signed.
        case digest(HandshakeDigest.Scheme)
    }

    public enum Step: Sendable, Equatable {
        case needMoreBytes
        /// Send these bytes (S0+S1+S2); keep feeding.
        case send([UInt8])
        /// C2 arrived; the remaining bytes are the first chunks.
        case done(remainder: [UInt8])
    }

    static let version: UInt8 = 3
    /// S1 version in digest mode (the value nginx-rtmp sends; first byte ≥ 3
    /// tells a player to check the digest).
    static let serverVersion: [UInt8] = [0x0D, 0x0E, 0x0A, 0x0D]

    private enum State {
        case awaitingC0C1
        case awaitingC2
        case done
    }

    private var state = State.awaitingC0C1
    private var buffer: [UInt8] = []
    public private(set) var mode: Mode?

    public init() {}

    /// Feeds bytes and reports what to do next. After `.send`, call again
    /// with no bytes when more input may already be buffered.
    public mutating func receive(_ bytes: some Sequence<UInt8>) throws(RTMPError) -> Step {
        buffer.append(contentsOf: bytes)
        switch state {
        case .awaitingC0C1:
            guard let version = buffer.first else { return .needMoreBytes }
            guard version == Self.version else { throw .unsupportedVersion(version) }
            guard buffer.count >= 1 + HandshakeDigest.packetSize else { return .needMoreBytes }
            let c1 = Array(buffer[1...HandshakeDigest.packetSize])
            buffer.removeSubrange(0...HandshakeDigest.packetSize)
            state = .awaitingC2
            return .send(response(to: c1))
        case .awaitingC2:
            guard buffer.count >= HandshakeDigest.packetSize else { return .needMoreBytes }
            let remainder = Array(buffer[HandshakeDigest.packetSize...])
            buffer = []
            state = .done
            return .done(remainder: remainder)
        case .done:
            let remainder = buffer
            buffer = []
            return .done(remainder: remainder)
        }
    }

    private mutating func response(to c1: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [Self.version]
        out.reserveCapacity(1 + 2 * HandshakeDigest.packetSize)
        let random = HandshakeDigest.randomBytes(2 * HandshakeDigest.packetSize)
        let hasVersion = c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0
        if hasVersion, let client = HandshakeDigest.clientDigest(in: c1) {
            mode = .digest(client.scheme)
            var s1: [UInt8] = [0, 0, 0, 0] + Self.serverVersion
            s1.append(contentsOf: random.prefix(HandshakeDigest.packetSize - 8))
            _ = HandshakeDigest.sign(&s1, scheme: client.scheme, asServer: true)
            out.append(contentsOf: s1)
            out.append(contentsOf: HandshakeDigest.serverS2(
                random: Array(random.suffix(HandshakeDigest.packetSize)), clientDigest: client.digest))
        } else {
            mode = .simple
            out.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
            out.append(contentsOf: random.prefix(HandshakeDigest.packetSize - 8))
            out.append(contentsOf: c1)
        }
        return out
    }
}
