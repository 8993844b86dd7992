import Digest
import Testing
@testable import OSSProtocol

@Suite struct PostPolicyTests {
    static func encode(_ json: String) -> String { Base64.encode(Array(json.utf8)) }

    static let policy = encode("""
        {"expiration": "2030-01-01T00:00:00.000Z", "conditions": [
          {"bucket": "b"}, ["eq", "$success_action_status", "201"], ["starts-with", "$key", "user/"],
          ["content-length-range", 1, 10], ["in", "$content-type", ["image/png", "image/jpeg"]],
          ["not-in", "$cache-control", ["no-cache"]]]}
        """)
    static let now: Int64 = 1_800_000_000
    static let good: [String: String] = [
        "bucket": "b", "key": "user/a.png", "success_action_status": "201", "content-type": "image/png",
    ]

    @Test func parsesEveryConditionForm() throws {
        let parsed = try PostPolicy.parse(base64: Self.policy)
        #expect(parsed.expiration == 1_893_456_000)
        #expect(parsed.conditions == [
            .equals(field: "bucket", value: "b"), .equals(field: "success_action_status", value: "201"),
            .startsWith(field: "key", prefix: "user/"), .contentLengthRange(min: 1, max: 10),
            .isIn(field: "content-type", values: ["image/png", "image/jpeg"]),
            .notIn(field: "cache-control", values: ["no-cache"]),
        ])
    }

    @Test func matchingFormPasses() throws {
        try PostPolicy.parse(base64: Self.policy).evaluate(fields: Self.good, contentLength: 10, now: Self.now)
    }

    @Test(arguments: [
        ("bucket", "other"), ("key", "admin/a.png"), ("content-type", "text/plain"), ("cache-control", "no-cache"),
        ("success_action_status", "204"),
    ])
    func failedConditions(field: String, value: String) throws {
        var fields = Self.good
        fields[field] = value
        let error = #expect(throws: OSSError.self) {
            try PostPolicy.parse(base64: Self.policy).evaluate(fields: fields, contentLength: 5, now: Self.now)
        }
        #expect(error?.status == 403)
        #expect(error?.code == "AccessDenied")
        #expect(error?.message.hasPrefix("Invalid according to Policy: Policy Condition failed:") == true)
    }

    @Test(arguments: [0, 11] as [Int64])
    func contentLengthOutOfRange(length: Int64) throws {
        let error = #expect(throws: OSSError.self) {
            try PostPolicy.parse(base64: Self.policy).evaluate(fields: Self.good, contentLength: length, now: Self.now)
        }
        #expect(error?.message.contains("content-length-range") == true)
    }

    @Test func expired() throws {
        let error = #expect(throws: OSSError.self) {
            try PostPolicy.parse(base64: Self.policy).evaluate(fields: Self.good, contentLength: 5, now: 1_893_456_000)
        }
        #expect(error == .policyExpired)
        #expect(error?.message == "Invalid according to Policy: Policy expired.")
    }

    @Test(arguments: [
        "not base64!", encode("{"), encode("{\"conditions\": []}"), encode("{\"expiration\": \"tomorrow\"}"),
        encode("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"bogus\", \"$key\", \"a\"]]}"),
        encode("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", 5, 1]]}"),
        encode("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": [[\"eq\", \"key\", \"a\"]]}"),
        encode("{\"expiration\": \"2030-01-01T00:00:00Z\", \"conditions\": {}}"),
    ])
    func invalidDocuments(encoded: String) {
        let error = #expect(throws: OSSError.self) { try PostPolicy.parse(base64: encoded) }
        #expect(error?.code == "InvalidPolicyDocument")
        #expect(error?.status == 400)
    }

    @Test func v1AndV4FormSignatures() throws {
        let authenticator = Authenticator(credentials: [Credential(accessKeyId: "AK", accessKeySecret: "SK")])
        let v1 = Base64.encode(HMAC.sha1(key: "SK", message: Self.policy))
        #expect(try PostFormSignature.verify(
            fields: ["policy": Self.policy, "ossaccesskeyid": "AK", "signature": v1], authenticator: authenticator) == "AK")
        let scope = V4Signature.CredentialScope(accessKeyId: "AK", date: "20300101", region: "cn-hangzhou")
        let v4 = V4Signature.sign(secret: "SK", scope: scope, stringToSign: Self.policy)
        let v4Fields = ["policy": Self.policy, "x-oss-signature-version": "OSS4-HMAC-SHA256",
                        "x-oss-credential": "AK/20300101/cn-hangzhou/oss/aliyun_v4_request",
                        "x-oss-date": "20300101T000000Z", "x-oss-signature": v4]
        #expect(try PostFormSignature.verify(fields: v4Fields, authenticator: authenticator) == "AK")
        var wrong = v4Fields
        wrong["x-oss-signature"] = String(repeating: "0", count: 64)
        #expect(throws: OSSError.formSignatureDoesNotMatch(accessKeyId: "AK")) {
            try PostFormSignature.verify(fields: wrong, authenticator: authenticator)
        }
        let unknown = #expect(throws: OSSError.self) {
            try PostFormSignature.verify(fields: ["policy": Self.policy, "ossaccesskeyid": "NOPE", "signature": v1],
                                         authenticator: authenticator)
        }
        #expect(unknown?.code == "InvalidAccessKeyId")
    }
}
