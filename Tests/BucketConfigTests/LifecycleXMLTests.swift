import OSSProtocol
import Testing
@testable import BucketConfig

@Suite struct LifecycleXMLTests {
    func document(_ rules: String) -> [UInt8] {
        bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LifecycleConfiguration>\(rules)</LifecycleConfiguration>")
    }

    func rule(id: String = "r1", prefix: String = "logs/", _ actions: String) -> String {
        "<Rule><ID>\(id)</ID><Prefix>\(prefix)</Prefix><Status>Enabled</Status>\(actions)</Rule>"
    }

    @Test func roundTripKeepsEveryElement() throws {
        let body = document(rule(prefix: "中文前缀+/", """
            <Expiration><Days>357</Days></Expiration>\
            <Transition><StorageClass>Archive</StorageClass><Days>356</Days></Transition>\
            <Transition><StorageClass>IA</StorageClass><IsAccessTime>false</IsAccessTime><Days>300</Days></Transition>\
            <AbortMultipartUpload><CreatedBeforeDate>2016-12-20T00:00:00.000Z</CreatedBeforeDate></AbortMultipartUpload>\
            <Tag><Key>k</Key><Value>v</Value></Tag>\
            <Filter><Not><Prefix>中文前缀+/keep</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></Not>\
            <ObjectSizeGreaterThan>203</ObjectSizeGreaterThan><ObjectSizeLessThan>311</ObjectSizeLessThan></Filter>
            """))
        let parsed = try LifecycleXML.parse(body)
        let rule = try #require(parsed.rules.first)
        #expect(rule.prefix == "中文前缀+/")
        #expect(rule.expiration == LifecycleExpiration(.days(357)))
        #expect(rule.transitions.map(\.storageClass) == ["Archive", "IA"])
        #expect(rule.transitions[1].isAccessTime == false)
        #expect(rule.abortMultipartUpload == .createdBefore(1_482_192_000))
        #expect(rule.tags == [ObjectTag(key: "k", value: "v")])
        #expect(rule.filter == LifecycleFilter(not: [LifecycleNot(prefix: "中文前缀+/keep", tag: ObjectTag(key: "a", value: "b"))],
                                               objectSizeGreaterThan: 203, objectSizeLessThan: 311))
        #expect(try LifecycleXML.parse(LifecycleXML.document(parsed)) == parsed)
        let text = String(decoding: LifecycleXML.document(parsed), as: UTF8.self)
        #expect(text.contains("<CreatedBeforeDate>2016-12-20T00:00:00.000Z</CreatedBeforeDate>"))
    }

    @Test func aRuleWithoutIdGetsOne() throws {
        let parsed = try LifecycleXML.parse(document(rule(id: "", "<Expiration><Days>1</Days></Expiration>")), makeId: { "made" })
        #expect(parsed.rules[0].id == "made")
    }

    @Test func malformedDocumentsAreMalformedXML() {
        #expect(expectError("MalformedXML") { _ = try LifecycleXML.parse(bytes("<This is a bad xml></bad as I am>")) } != nil)
        #expect(expectError("MalformedXML") { _ = try LifecycleXML.parse(document("")) } != nil)
        #expect(expectError("MalformedXML") { _ = try LifecycleXML.parse(bytes("<Other/>")) } != nil)
        #expect(expectError("MalformedXML") {
            _ = try LifecycleXML.parse(document("<Rule><ID>x</ID><Prefix></Prefix><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule>"))
        } != nil)
        #expect(expectError("MalformedXML") { _ = try LifecycleXML.parse(document(rule(""))) } != nil)
    }

    @Test func transitionsMustBeColderLaterAndBeforeExpiration() {
        // Expiration before the transition (the suite's days 3 vs IA 4).
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Expiration><Days>3</Days></Expiration><Transition><Days>4</Days><StorageClass>IA</StorageClass></Transition>")))
        } != nil)
        // Archive sooner than IA.
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("""
                <Expiration><Days>6</Days></Expiration><Transition><Days>5</Days><StorageClass>IA</StorageClass></Transition>\
                <Transition><Days>2</Days><StorageClass>Archive</StorageClass></Transition>
                """)))
        } != nil)
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Transition><Days>5</Days><StorageClass>Standard</StorageClass></Transition>")))
        } != nil)
        // Days mixed with dates is InvalidRequest.
        #expect(expectError("InvalidRequest") {
            _ = try LifecycleXML.parse(document(rule("""
                <Expiration><CreatedBeforeDate>2016-12-25T00:00:00.000Z</CreatedBeforeDate></Expiration>\
                <Transition><Days>356</Days><StorageClass>IA</StorageClass></Transition>
                """)))
        } != nil)
        // Dates in the right order are fine.
        #expect(throws: Never.self) {
            _ = try LifecycleXML.parse(document(rule("""
                <Expiration><CreatedBeforeDate>2016-12-20T00:00:00.000Z</CreatedBeforeDate></Expiration>\
                <Transition><CreatedBeforeDate>2016-12-25T00:00:00.000Z</CreatedBeforeDate><StorageClass>IA</StorageClass></Transition>
                """)))
        }
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Expiration><CreatedBeforeDate>2016-12-25T08:00:00.000Z</CreatedBeforeDate></Expiration>")))
        } != nil)
        #expect(expectError("InvalidArgument") { _ = try LifecycleXML.parse(document(rule("<Expiration><Days>0</Days></Expiration>"))) } != nil)
    }

    @Test func overlappingPrefixesNeedTheOverlapHeader() throws {
        let body = document(rule(id: "a", prefix: "前缀/", "<Expiration><Days>5</Days></Expiration>")
            + rule(id: "b", prefix: "前缀/2", "<Expiration><Days>9</Days></Expiration>"))
        let error = expectError("InvalidArgument") { _ = try LifecycleXML.parse(body) }
        #expect(error?.message == "Overlap for same action type Expiration")
        #expect(try LifecycleXML.parse(body, allowOverlap: true).rules.count == 2)
        // Different actions on overlapping prefixes are fine.
        #expect(throws: Never.self) {
            _ = try LifecycleXML.parse(document(rule(id: "a", prefix: "p/", "<Expiration><Days>5</Days></Expiration>")
                + rule(id: "b", prefix: "p/q", "<AbortMultipartUpload><Days>2</Days></AbortMultipartUpload>")))
        }
    }

    @Test func tagCharactersAreCheckedButNotTheirLength() {
        let long = String(repeating: "a", count: 129)
        #expect(throws: Never.self) {
            _ = try LifecycleXML.parse(document(rule("<Expiration><Days>5</Days></Expiration><Tag><Key>\(long)</Key><Value>\(String(repeating: "b", count: 257))</Value></Tag>")))
        }
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Expiration><Days>5</Days></Expiration><Tag><Key>%&amp;</Key><Value>t</Value></Tag>")))
        } != nil)
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Expiration><Days>5</Days></Expiration><Tag><Key>k</Key><Value>)%</Value></Tag>")))
        } != nil)
    }

    @Test func limits() {
        let many = (0...LifecycleRules.maxRules).map { rule(id: "r\($0)", prefix: "p\($0)/", "<Expiration><Days>1</Days></Expiration>") }.joined()
        #expect(expectError("InvalidArgument") { _ = try LifecycleXML.parse(document(many), allowOverlap: true) } != nil)
        let duplicate = rule(id: "same", prefix: "a/", "<Expiration><Days>1</Days></Expiration>")
            + rule(id: "same", prefix: "b/", "<Expiration><Days>1</Days></Expiration>")
        #expect(expectError("InvalidArgument") { _ = try LifecycleXML.parse(document(duplicate)) } != nil)
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule("<Expiration><Days>\(LifecycleRules.maxDays + 1)</Days></Expiration>")))
        } != nil)
        #expect(expectError("InvalidArgument") {
            _ = try LifecycleXML.parse(document(rule(prefix: "a/", "<Expiration><Days>1</Days></Expiration><Filter><Not><Prefix>b/</Prefix></Not></Filter>")))
        } != nil)
    }

    @Test func versioningElementsAreNotEmulated() {
        let error = expectError("NotImplemented") {
            _ = try LifecycleXML.parse(document(rule("<NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays></NoncurrentVersionExpiration>")))
        }
        #expect(error?.status == 501)
    }
}
