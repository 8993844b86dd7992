import Testing
@testable import OSSProtocol

@Suite struct ObjectOperationXMLTests {
    @Test func taggingRoundTrip() throws {
        let tags = [ObjectTag(key: "a<b", value: "中&"), ObjectTag(key: "k", value: "")]
        let document = TaggingXML.document(tags)
        #expect(String(decoding: document, as: UTF8.self).contains("<Tagging><TagSet><Tag><Key>a&lt;b</Key>"))
        #expect(try TaggingXML.parse(document) == tags)
    }

    @Test func taggingAsTheSDKsSendIt() throws {
        let body = Array("<Tagging><TagSet><Tag><Key>k1</Key><Value>v1</Value></Tag><Tag><Key>k2</Key></Tag></TagSet></Tagging>".utf8)
        #expect(try TaggingXML.parse(body) == [ObjectTag(key: "k1", value: "v1"), ObjectTag(key: "k2", value: "")])
        #expect(try TaggingXML.parse(Array("<Tagging><TagSet/></Tagging>".utf8)) == [])
    }

    @Test func malformedTagging() {
        for body in ["", "<Tags/>", "<Tagging/>", "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
                     "<Tagging><TagSet><Other/></TagSet></Tagging>", "<Tagging><TagSet>"] {
            do {
                _ = try TaggingXML.parse(Array(body.utf8))
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == "MalformedXML", "\(body)")
            }
        }
    }

    @Test func restoreRequest() throws {
        #expect(try RestoreRequest.parse([]) == RestoreRequest())
        let body = "<RestoreRequest><Days>5</Days><JobParameters><Tier>Bulk</Tier></JobParameters></RestoreRequest>"
        #expect(try RestoreRequest.parse(Array(body.utf8)) == RestoreRequest(days: 5, tier: .bulk))
        #expect(try RestoreRequest.parse(Array("<RestoreRequest><Days>2</Days></RestoreRequest>".utf8)) == RestoreRequest(days: 2))
    }

    @Test func badRestoreRequests() {
        let cases: [(String, String)] = [
            ("<RestoreRequest><Days>0</Days></RestoreRequest>", "InvalidArgument"),
            ("<RestoreRequest><Days>x</Days></RestoreRequest>", "InvalidArgument"),
            ("<RestoreRequest><JobParameters><Tier>Fast</Tier></JobParameters></RestoreRequest>", "InvalidArgument"),
            ("<RestoreRequest><GlacierJobParameters/></RestoreRequest>", "MalformedXML"),
            ("<RestoreRequest><OutputLocation/></RestoreRequest>", "MalformedXML"),
            ("<RestoreRequest><JobParameters/></RestoreRequest>", "MalformedXML"),
            ("<Restore/>", "MalformedXML"),
        ]
        for (body, code) in cases {
            do {
                _ = try RestoreRequest.parse(Array(body.utf8))
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == code, "\(body)")
            }
        }
    }

    @Test func copyResult() {
        let text = String(decoding: CopyObjectXML.result(lastModified: 1_700_000_000, etag: "ABC"), as: UTF8.self)
        #expect(text.contains("<CopyObjectResult><LastModified>2023-11-14T22:13:20.000Z</LastModified><ETag>&quot;ABC&quot;</ETag></CopyObjectResult>"))
    }
}
