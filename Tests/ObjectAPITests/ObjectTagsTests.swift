import OSSProtocol
import Testing
@testable import ObjectAPI

@Suite struct ObjectTagsTests {
    static func tags(_ pairs: [(String, String)]) -> [ObjectTag] {
        pairs.map { ObjectTag(key: $0.0, value: $0.1) }
    }

    /// (tags, the EC of the InvalidTag answer, or nil when accepted).
    static let cases: [([(String, String)], String?)] = [
        ([("k", "v")], nil),
        ([(String(repeating: "a", count: ObjectTags.maxKeyLength), String(repeating: "b", count: ObjectTags.maxValueLength))], nil),
        ([("+-=._:/ ", "+-=._:/ ")], nil),
        ([("中文", "テスト")], nil),
        ([("k", "")], nil),
        ((0..<ObjectTags.maxTags).map { ("k\($0)", "v") }, nil),
        ([(String(repeating: "a", count: ObjectTags.maxKeyLength + 1), "v")], "0010-00000209"),
        ([("", "v")], "0010-00000209"),
        ([("k", String(repeating: "v", count: ObjectTags.maxValueLength + 1))], "0010-00000214"),
        ([("%@abc", "v")], "0010-00000217"),
        ([("k", "%abc")], "0010-00000217"),
        ([("k", "a@b")], "0010-00000217"),
        ([("k", "v"), ("k", "w")], "0010-00000217"),
        ((0...ObjectTags.maxTags).map { ("k\($0)", "v") }, "0010-00000217"),
    ]

    @Test(arguments: cases.indices)
    func rules(_ index: Int) {
        let (pairs, expected) = Self.cases[index]
        do {
            try ObjectTags.validate(Self.tags(pairs))
            #expect(expected == nil, "case \(index) was accepted")
        } catch let error as OSSError {
            #expect(error.code == "InvalidTag")
            #expect(error.status == 400)
            #expect(error.ec == expected, "case \(index)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func limitsAreOSSs() {
        #expect(ObjectTags.maxTags == 10)
        #expect(ObjectTags.maxKeyLength == 128)
        #expect(ObjectTags.maxValueLength == 256)
    }

    @Test func headerIsDecodedCheckedAndStoredCanonically() throws {
        #expect(try ObjectTags.canonicalQuery(header: "k1=v1&k2=v2") == "k1=v1&k2=v2")
        #expect(try ObjectTags.canonicalQuery(header: "%20%2B%2F%20=%E4%B8%AD&only") == "%20%2B%2F%20=%E4%B8%AD&only=")
        #expect(ObjectTags.tags(ofQuery: "%20%2B%2F%20=%E4%B8%AD&only=") == Self.tags([(" +/ ", "中"), ("only", "")]))
        #expect(ObjectTags.tags(ofQuery: "a=1+2") == Self.tags([("a", "1+2")]))
        #expect(try ObjectTags.canonicalQuery(header: "") == "")
    }

    @Test func badHeaders() {
        for header in ["aa=bb=cc", "k=%zz", "k=%E4"] {
            #expect(throws: OSSError.self, "\(header)") { try ObjectTags.canonicalQuery(header: header) }
            do { _ = try ObjectTags.canonicalQuery(header: header) } catch let error as OSSError {
                #expect(error.code == "InvalidArgument")
            } catch {}
        }
        let eleven = (0...10).map { "k\($0)=v" }.joined(separator: "&")
        #expect(throws: OSSError.self) { try ObjectTags.canonicalQuery(header: eleven) }
    }
}
