/// The client side of the handshake, for our own publisher.
///
/// Sends C0+C1 (simple, or with a base-8 digest as FFmpeg does), waits for
/// S0+S1+S2, answers C2 = S1 (what FFmpeg and OBS send; servers do not check
/// it) and hands back any bytes that follow S2.
public struct ClientHandshake: Sendable {
    public enum Step: Sendable, Equatable {
        case needMoreBytes
        /// Send C2; the handshake is complete and `remainder` holds chunk bytes.
        case done(send: [UInt8], remainder: [UInt8])
    }

    /// C1 version in digest mode (FFmpeg's value).
    static let clientVersion: [UInt8] = [0x09, 0x00, 0x7C, 0x02]

    private var buffer: [UInt8] = []
    private var finished = false
    public let useDigest: Bool
    /// Our C1 digest, when signed.
    public private(set) var clientDigest: [UInt8]?
    /// Whether the server answered with a valid digest S1 and S2 (digest mode only).
    public private(set) var serverVerified = false

    public init(useDigest: Bool = false) {
        self.useDigest = useDigest
    }

    /// C0 + C1.
    public mutating func start() -> [UInt8] {
        var c1: [UInt8] = [0, 0, 0, 0]
        c1.append(contentsOf: useDigest ? Self.clientVersion : [0, 0, 0, 0])
        c1.append(contentsOf: HandshakeDigest.randomBytes(HandshakeDigest.packetSize - 8))
        if useDigest { clientDigest = HandshakeDigest.sign(&c1, scheme: .base8, asServer: false) }
        return [ServerHandshake.version] + c1
    }

    public mutating func receive(_ bytes: some Sequence<UInt8>) throws(RTMPError) -> Step {
        buffer.append(contentsOf: bytes)
        guard !finished else {
            let remainder = buffer
            buffer = []
            return .done(send: [], remainder: remainder)
        }
        guard let version = buffer.first else { return .needMoreBytes }
        guard version == ServerHandshake.version else { throw .unsupportedVersion(version) }
        let size = HandshakeDigest.packetSize
        guard buffer.count >= 1 + 2 * size else { return .needMoreBytes }
        let s1 = Array(buffer[1...size])
        let s2 = Array(buffer[(1 + size)...(2 * size)])
        let remainder = Array(buffer[(1 + 2 * size)...])
        buffer = []
        finished = true
        if let clientDigest {
            serverVerified = HandshakeDigest.Scheme.allCases.contains {
                HandshakeDigest.hasValidServerDigest(s1, scheme: $0)
            } && HandshakeDigest.isValidServerS2(s2, clientDigest: clientDigest)
        }
        return .done(send: s1, remainder: remainder)
    }
}
