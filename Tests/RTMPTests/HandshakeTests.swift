import Testing
@testable import RTMP

@Suite struct HandshakeTests {
    /// A deterministic C1 carrying FFmpeg's version bytes.
    static let patternC1: [UInt8] = [0, 0, 0, 0, 0x09, 0x00, 0x7C, 0x02] + (8..<1536).map { UInt8(($0 * 7) & 0xFF) }

    @Test func digestOffsetsAndKnownDigest() {
        var c1 = Self.patternC1
        #expect(HandshakeDigest.offset(in: c1, scheme: .base8) == 278)
        #expect(HandshakeDigest.offset(in: c1, scheme: .base772) == 930)
        // Computed independently (Python hmac) with the partial Flash Player key.
        let digest = HandshakeDigest.sign(&c1, scheme: .base8, asServer: false)
        #expect(digest == hex("946f4f19deb3c79607c8992107201d6d62a44ab8cfaf5317601390a8efe3d44f"))
        #expect(Array(c1[278..<310]) == digest)
        #expect(HandshakeDigest.clientDigest(in: c1)?.scheme == .base8)
    }

    @Test func simpleHandshakeEchoesC1() throws {
        var c1 = [UInt8](repeating: 0, count: 1536)
        for i in 8..<1536 { c1[i] = UInt8(i & 0xFF) }
        var server = ServerHandshake()
        #expect(try server.receive([3] + c1[0..<700]) == .needMoreBytes)
        guard case .send(let reply) = try server.receive(c1[700...]) else {
            Issue.record("no S0+S1+S2")
            return
        }
        #expect(server.mode == .simple)
        #expect(reply.count == 3073)
        #expect(reply[0] == 3)
        #expect(Array(reply[5..<9]) == [0, 0, 0, 0], "S1 bytes 4-7 must be zero in simple mode")
        #expect(Array(reply[1537...]) == c1, "S2 echoes C1")
        #expect(try server.receive([]) == .needMoreBytes)
        // C2 (not checked) followed by the first chunk bytes.
        let c2 = [UInt8](repeating: 0xEE, count: 1536)
        #expect(try server.receive(c2[0..<1000]) == .needMoreBytes)
        #expect(try server.receive(c2[1000...] + [0x03, 0x00]) == .done(remainder: [0x03, 0x00]))
    }

    @Test(arguments: HandshakeDigest.Scheme.allCases)
    func digestHandshakeSignsS1AndS2(_ scheme: HandshakeDigest.Scheme) throws {
        var c1 = Self.patternC1
        let clientDigest = HandshakeDigest.sign(&c1, scheme: scheme, asServer: false)
        var server = ServerHandshake()
        guard case .send(let reply) = try server.receive([3] + c1) else {
            Issue.record("no S0+S1+S2")
            return
        }
        #expect(server.mode == .digest(scheme))
        let s1 = Array(reply[1..<1537])
        let s2 = Array(reply[1537...])
        #expect(s1[4] >= 3, "a digest S1 announces a version")
        #expect(HandshakeDigest.hasValidServerDigest(s1, scheme: scheme))
        #expect(HandshakeDigest.isValidServerS2(s2, clientDigest: clientDigest))
        #expect(s2 != c1)
    }

    @Test func invalidDigestFallsBackToSimple() throws {
        var server = ServerHandshake()
        guard case .send(let reply) = try server.receive([3] + Self.patternC1) else {
            Issue.record("no S0+S1+S2")
            return
        }
        #expect(server.mode == .simple)
        #expect(Array(reply[1537...]) == Self.patternC1)
    }

    @Test func rejectsEncryptedVersions() {
        for version: UInt8 in [0x06, 0x08, 0x09, 0x16, 0x47] {
            var server = ServerHandshake()
            #expect(throws: RTMPError.unsupportedVersion(version)) { try server.receive([version]) }
        }
    }

    @Test(arguments: [false, true])
    func clientAndServerComplete(_ digest: Bool) throws {
        var client = ClientHandshake(useDigest: digest)
        var server = ServerHandshake()
        guard case .send(let reply) = try server.receive(client.start()) else {
            Issue.record("no S0+S1+S2")
            return
        }
        #expect(server.mode == (digest ? .digest(.base8) : .simple))
        guard case .done(let c2, let remainder) = try client.receive(reply + [0x02]) else {
            Issue.record("client did not finish")
            return
        }
        #expect(remainder == [0x02])
        #expect(client.serverVerified == digest)
        #expect(c2 == Array(reply[1..<1537]), "C2 echoes S1")
        #expect(try server.receive(c2) == .done(remainder: []))
    }
}
