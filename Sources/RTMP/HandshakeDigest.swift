import Digest

/// The digest ("complex", FP9) handshake arithmetic (media-pipeline.md §1.3).
public enum HandshakeDigest {
    public static let packetSize = 1536
    public static let digestSize = 32

    /// Where the digest sits inside a C1/S1 block.
    public enum Scheme: Sendable, Equatable, CaseIterable {
        /// Offset from bytes 8–11 ("base 8"); FFmpeg and nginx write this one.
        case base8
        /// Offset from bytes 772–775 ("base 772").
        case base772
    }

    static let commonTail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]
    static let playerKey: [UInt8] = Array("Genuine Adobe Flash Player 001".utf8) + commonTail
    static let serverKey: [UInt8] = Array("Genuine Adobe Flash Media Server 001".utf8) + commonTail
    static let partialPlayerKey = Array(playerKey.prefix(30))
    static let partialServerKey = Array(serverKey.prefix(36))

    /// Offset of the 32-byte digest in a 1536-byte block (callers check the size).
    static func offset(in block: [UInt8], scheme: Scheme) -> Int {
        precondition(block.count == packetSize, "handshake blocks are 1536 bytes")
        switch scheme {
        case .base8:
            return (Int(block[8]) + Int(block[9]) + Int(block[10]) + Int(block[11])) % 728 + 12
        case .base772:
            return (Int(block[772]) + Int(block[773]) + Int(block[774]) + Int(block[775])) % 728 + 776
        }
    }

    /// HMAC-SHA256 over the block without its 32 digest bytes.
    static func digest(of block: [UInt8], at offset: Int, key: [UInt8]) -> [UInt8] {
        var message = Array(block[0..<offset])
        message.append(contentsOf: block[(offset + digestSize)...])
        return HMAC.sha256(key: key, message: message)
    }

    /// The client's digest and the scheme it used, if C1 carries a valid one.
    /// Tries base 772 first, then base 8, as nginx-rtmp and SRS do.
    public static func clientDigest(in c1: [UInt8]) -> (scheme: Scheme, digest: [UInt8])? {
        guard c1.count == packetSize else { return nil }
        for scheme in [Scheme.base772, .base8] {
            let at = offset(in: c1, scheme: scheme)
            let expected = digest(of: c1, at: at, key: partialPlayerKey)
            if expected[...] == c1[at..<(at + digestSize)] { return (scheme, Array(c1[at..<(at + digestSize)])) }
        }
        return nil
    }

    /// Writes the digest of `block` in place, keyed with the partial
    /// player key (client) or partial server key (server).
    static func sign(_ block: inout [UInt8], scheme: Scheme, asServer: Bool) -> [UInt8] {
        let at = offset(in: block, scheme: scheme)
        let value = digest(of: block, at: at, key: asServer ? partialServerKey : partialPlayerKey)
        block.replaceSubrange(at..<(at + digestSize), with: value)
        return value
    }

    /// Whether S1 carries a valid server digest under `scheme`.
    public static func hasValidServerDigest(_ s1: [UInt8], scheme: Scheme) -> Bool {
        guard s1.count == packetSize else { return false }
        let at = offset(in: s1, scheme: scheme)
        return digest(of: s1, at: at, key: partialServerKey)[...] == s1[at..<(at + digestSize)]
    }

    /// S2 in digest mode: random bytes, then an HMAC keyed by the client's digest.
    static func serverS2(random: [UInt8], clientDigest: [UInt8]) -> [UInt8] {
        var s2 = Array(random.prefix(packetSize - digestSize))
        let key = HMAC.sha256(key: serverKey, message: clientDigest)
        s2.append(contentsOf: HMAC.sha256(key: key, message: s2))
        return s2
    }

    /// Whether S2 is signed for the client digest we sent.
    public static func isValidServerS2(_ s2: [UInt8], clientDigest: [UInt8]) -> Bool {
        guard s2.count == packetSize else { return false }
        let key = HMAC.sha256(key: serverKey, message: clientDigest)
        let body = Array(s2.prefix(packetSize - digestSize))
        return HMAC.sha256(key: key, message: body)[...] == s2[(packetSize - digestSize)...]
    }

    /// Filler for S1/S2/C1. It carries no secret (the keys are public), so
    /// one system random seed stretched with SplitMix64 is enough; asking
    /// the kernel for every word cost one syscall per 8 bytes per handshake.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var state = generator.next()
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var word = state
            word = (word ^ (word >> 30)) &* 0xBF58_476D_1CE4_E5B9
            word = (word ^ (word >> 27)) &* 0x94D0_49BB_1331_11EB
            out.appendUInt64(word ^ (word >> 31))
        }
        out.removeLast(out.count - count)
        return out
    }
}
