import OSSProtocol
import Testing
@testable import Emulator

@Suite struct CredentialSpecTests {
    @Test func anSTSCredentialMayCarryAnExpiration() throws {
        let credential = try CredentialSpec.parse("STS.id:secret:CAIS+tok/en==@2030-01-02T03:04:05Z").get()
        #expect(credential.securityToken == "CAIS+tok/en==")
        #expect(credential.expiration == 1_893_553_445)
        // An '@' not followed by a time stays part of the token.
        #expect(try CredentialSpec.parse("STS.id:secret:tok@en").get().securityToken == "tok@en")
        #expect(throws: (any Error).self) { try CredentialSpec.parse("STS.id:secret:@2030-01-02T03:04:05Z").get() }
    }

    @Test func pairAndSTSTriple() throws {
        #expect(try CredentialSpec.parse("id:secret").get() == Credential(accessKeyId: "id", accessKeySecret: "secret"))
        // The token keeps everything after the second colon.
        #expect(try CredentialSpec.parse("STS.id:sec/ret+=:CAIS+tok:en==").get()
                == Credential(accessKeyId: "STS.id", accessKeySecret: "sec/ret+=", securityToken: "CAIS+tok:en=="))
    }

    @Test(arguments: ["", "only-an-id", ":secret", "id:", "id:secret:", "i d:secret", "ïd:secret"])
    func refusals(text: String) {
        guard case .failure(let error) = CredentialSpec.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.description.contains(CredentialSpec.usage))
    }

    @Test func messagesNeverEchoTheSecret() {
        for text in ["id:hunter2:", "i d:hunter2", "id"] {
            guard case .failure(let error) = CredentialSpec.parse(text) else {
                Issue.record("accepted")
                continue
            }
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func oneCredentialPerAccessKeyId() {
        let a = Credential(accessKeyId: "a", accessKeySecret: "1")
        let b = Credential(accessKeyId: "b", accessKeySecret: "2", securityToken: "t")
        #expect((try? CredentialSpec.checkDistinct([a, b]).get()) != nil)
        guard case .failure(let error) = CredentialSpec.checkDistinct([a, b, Credential(accessKeyId: "a", accessKeySecret: "3")]) else {
            Issue.record("a duplicate AccessKeyId was accepted")
            return
        }
        #expect(error.description.contains("a"))
    }
}
