import Testing
@testable import OSSProtocol

@Suite struct ObjectACLXMLTests {
    @Test func accessControlPolicyHasTheGrantOss2Reads() throws {
        let root = try XMLDocument.parse(ObjectACLXML.accessControlPolicy(owner: Owner(id: "42"), acl: "default"))
        #expect(root.name == "AccessControlPolicy")
        #expect(root.child("Owner")?.text(of: "ID") == "42")
        #expect(root.child("Owner")?.text(of: "DisplayName") == "42")
        #expect(root.child("AccessControlList")?.text(of: "Grant") == "default")
    }

    @Test func appendAndSymlinkErrorsCarryTheCodesSDKsMap() {
        #expect(OSSError.positionNotEqualToLength(key: "k").status == 409)
        #expect(OSSError.positionNotEqualToLength(key: "k").code == "PositionNotEqualToLength")
        #expect(OSSError.objectNotAppendable(key: "k").status == 409)
        #expect(OSSError.objectNotAppendable(key: "k").code == "ObjectNotAppendable")
        #expect(OSSError.notSymlink(key: "k").status == 400)
        #expect(OSSError.symlinkTargetNotExist(target: "t").status == 404)
        #expect(OSSError.invalidTargetType(target: "t").code == "InvalidTargetType")
        #expect(OSSError.missingArgument(header: "x-oss-symlink-target").code == "MissingArgument")
    }
}
