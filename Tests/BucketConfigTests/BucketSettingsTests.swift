import OSSProtocol
import Testing
@testable import BucketConfig

@Suite struct BucketSettingsTests {
    func tagging(_ tags: [(String, String)]) -> [UInt8] {
        TaggingXML.document(tags.map { ObjectTag(key: $0.0, value: $0.1) })
    }

    @Test func bucketTagRules() throws {
        #expect(try BucketTagging.parse(tagging([("%@abc", "abc"), ("123++", "++123%")])).count == 2)
        let twentyOne = (0...BucketTagging.maxTags).map { ("k\($0)", "v") }
        #expect(expectError("InvalidTag") { _ = try BucketTagging.parse(tagging(twentyOne)) } != nil)
        #expect(expectError("InvalidTag") { _ = try BucketTagging.parse(tagging([(String(repeating: "k", count: 65), "v")])) } != nil)
        #expect(expectError("InvalidTag") { _ = try BucketTagging.parse(tagging([("k", String(repeating: "v", count: 129))])) } != nil)
        #expect(expectError("InvalidTag") { _ = try BucketTagging.parse(tagging([("Aliyun-x", "v")])) } != nil)
        #expect(expectError("InvalidTag") { _ = try BucketTagging.parse(tagging([("", "v")])) } != nil)
        let tags = [ObjectTag(key: "a", value: "1"), ObjectTag(key: "b", value: "2"), ObjectTag(key: "c", value: "3")]
        #expect(BucketTagging.remaining(tags, afterDeleting: "a,c") == [ObjectTag(key: "b", value: "2")])
        #expect(BucketTagging.remaining(tags, afterDeleting: nil).isEmpty)
        #expect(BucketTagging.matches(tags, key: "b", value: "2") && !BucketTagging.matches(tags, key: "b", value: "3"))
        #expect(BucketTagging.matches(tags, key: "b", value: nil) && !BucketTagging.matches(tags, key: "z", value: nil))
    }

    @Test func policyGrammarAndEvaluation() throws {
        let policy = try BucketPolicy.parse(bytes("""
            {"Version":"1","Statement":[
              {"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:b/public/*"]},
              {"Effect":"Deny","Principal":"*","Action":"oss:Get*","Resource":"acs:oss:*:*:b/public/secret?"},
              {"Effect":"Allow","Principal":["*"],"Action":["oss:PutObject"],"Resource":["acs:oss:*:*:b/*"],"Condition":{"IpAddress":{}}},
              {"Effect":"Allow","Principal":["1234"],"Action":["oss:PutObject"],"Resource":["acs:oss:*:*:b/*"]}
            ]}
            """))
        #expect(policy.decision(action: "oss:GetObject", bucket: "b", key: "public/a.txt") == .allow)
        #expect(policy.decision(action: "oss:GetObject", bucket: "b", key: "public/secret1") == .deny)
        #expect(policy.decision(action: "oss:GetObject", bucket: "b", key: "private/a") == .none)
        #expect(policy.decision(action: "oss:GetObject", bucket: "other", key: "public/a.txt") == .none)
        // Conditions and named principals are not evaluated.
        #expect(policy.decision(action: "oss:PutObject", bucket: "b", key: "x") == .none)
        for bad in ["{not json", "[]", "{\"Version\":1,\"Statement\":[]}", "{\"Version\":\"1\"}",
                    "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"a\",\"Resource\":\"r\"}]}",
                    "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"r\"}]}"] {
            #expect(expectError("InvalidPolicyDocument") { _ = try BucketPolicy.parse(bytes(bad)) } != nil, "\(bad)")
        }
        let oversized = "{\"Version\":\"1\",\"Statement\":[],\"x\":\"" + String(repeating: "a", count: BucketPolicy.maxBytes) + "\"}"
        #expect(expectError("InvalidPolicyDocument") { _ = try BucketPolicy.parse(bytes(oversized)) } != nil)
    }

    @Test func loggingAndCapacityDocuments() throws {
        let logging = try #require(try BucketLogging.parse(bytes(
            "<BucketLoggingStatus><LoggingEnabled><TargetBucket>t</TargetBucket><TargetPrefix>日志+/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>")))
        #expect(logging == BucketLogging(targetBucket: "t", targetPrefix: "日志+/"))
        #expect(try BucketLogging.parse(BucketLogging.document(logging)) == logging)
        #expect(try BucketLogging.parse(bytes("<BucketLoggingStatus/>")) == nil)
        let longPrefix = String(repeating: "p", count: BucketLogging.maxPrefixBytes + 1)
        #expect(expectError("InvalidArgument") {
            _ = try BucketLogging.parse(bytes("<BucketLoggingStatus><LoggingEnabled><TargetBucket>t</TargetBucket><TargetPrefix>\(longPrefix)</TargetPrefix></LoggingEnabled></BucketLoggingStatus>"))
        } != nil)
        #expect(try StorageCapacity.parse(StorageCapacity.document(100)) == 100)
        #expect(try StorageCapacity.parse(StorageCapacity.document(StorageCapacity.unlimited)) == -1)
        #expect(expectError("InvalidArgument") { _ = try StorageCapacity.parse(StorageCapacity.document(-2)) } != nil)
        #expect(expectError("MalformedXML") { _ = try StorageCapacity.parse(bytes("<BucketUserQos/>")) } != nil)
    }
}
