import Testing
@testable import Digest

@Suite struct RSAKeyTests {
    @Test func signsWithAFreshKeyAndPublishesItsPublicHalf() throws {
        let key = try #require(RSAKey())
        #expect(key.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(key.publicKeyPEM.hasSuffix("-----END PUBLIC KEY-----\n"))
        let signature = try #require(key.signMD5(Array("/cb?a=1\nbody".utf8)))
        #expect(signature.count == Int(RSAKey.defaultBits) / 8)
        // PKCS #1 v1.5 is deterministic: same message, same signature; another message differs.
        #expect(key.signMD5(Array("/cb?a=1\nbody".utf8)) == signature)
        #expect(key.signMD5(Array("/cb?a=1\nbodY".utf8)) != signature)
        #expect(try #require(RSAKey()).publicKeyPEM != key.publicKeyPEM)
    }
}
