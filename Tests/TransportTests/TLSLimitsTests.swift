import Foundation
import Testing
@testable import Transport

@Suite struct TLSLimitsTests {
    private func authority() throws -> TLSCertificateAuthority {
        let path = NSTemporaryDirectory() + "tls-ca-" + UUID().uuidString
        return try TLSCertificateAuthority(directory: path)
    }

    @Test func handshakeInputIsBounded() throws {
        let context = try #require(try authority().serverContext(for: "oss-cn-hangzhou.aliyuncs.com"))
        let session = try #require(TLSServerSession(context: context))
        // A handshake record announcing the largest length, fed a byte short of the limit: still waiting.
        var record: [UInt8] = [0x16, 0x03, 0x01, 0xFF, 0xFF]
        record += [UInt8](repeating: 0, count: TLSLimits.maxHandshakeInput - record.count)
        let waiting = Result { try record.withUnsafeBytes { try session.receive($0) } }
        // OpenSSL may refuse the oversized record itself; either way nothing passes through.
        if case .success(let plaintext) = waiting { #expect(plaintext.isEmpty) }
        let fresh = try #require(TLSServerSession(context: context))
        var flood: [UInt8] = []
        for _ in 0..<(TLSLimits.maxHandshakeInput / 16_384 + 2) {
            flood += [0x16, 0x03, 0x01, 0x40, 0x00] + [UInt8](repeating: 0, count: 16_384)
        }
        #expect(throws: TLSServerSession.Failure.self) { try flood.withUnsafeBytes { try fresh.receive($0) } }
        #expect(!fresh.handshakeFinished)
    }

    @Test func certificatesAreCachedUpToTheLimitAndOnlyForHostNames() throws {
        let ca = try authority()
        #expect(ca.serverContext(for: "") == nil)
        #expect(ca.serverContext(for: "bad host") == nil)
        #expect(ca.serverContext(for: String(repeating: "a", count: TLSCertificateAuthority.maxHostNameLength + 1)) == nil)
        let first = try #require(ca.serverContext(for: "a.oss-cn-hangzhou.aliyuncs.com"))
        #expect(ca.serverContext(for: "A.oss-cn-hangzhou.aliyuncs.com") === first)
        #expect(ca.cachedHostCount == 1)
        #expect(TLSLimits.maxRecordPlaintext == 16_384)
    }
}
