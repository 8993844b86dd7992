import Testing
@testable import OSSProtocol

@Suite struct ListingPagesTests {
    /// The Go SDK's integration test (spec §3.2).
    @Test func liveChannelPagesLikeTheGoTest() throws {
        let names = (0..<200).map { "test-list-channel-" + String(repeating: "0", count: $0 < 10 ? 2 : ($0 < 100 ? 1 : 0)) + String($0) }.shuffled()
        let first = ListLiveChannelRequest().page(names) { $0 }
        #expect(first.channels.count == 100)
        #expect(first.isTruncated && first.nextMarker == "test-list-channel-099")
        #expect(first.channels.first == "test-list-channel-000")
        let rest = ListLiveChannelRequest(prefix: "test-list-channel", marker: "test-list-channel-100").page(names) { $0 }
        #expect(rest.channels.count == 99 && !rest.isTruncated && rest.nextMarker == nil)
        let none = ListLiveChannelRequest(prefix: "other").page(names) { $0 }
        #expect(none.channels.isEmpty && !none.isTruncated)
        let exact = ListLiveChannelRequest(maxKeys: 200).page(names) { $0 }
        #expect(exact.channels.count == 200 && !exact.isTruncated)
    }

    @Test func byteOrderNotCanonicalOrder() {
        let precomposed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(precomposed == decomposed)   // Swift's String equality
        #expect(utf8Precedes(decomposed, precomposed) && !utf8Precedes(precomposed, decomposed))
        let page = ListLiveChannelRequest().page([precomposed, "cafe", decomposed]) { $0 }
        #expect(page.channels.map { Array($0.utf8) } == [Array("cafe".utf8), Array(decomposed.utf8), Array(precomposed.utf8)])
    }

    func entries(_ keys: [String]) -> [ObjectEntry] {
        keys.sorted(by: utf8Precedes).map { ObjectEntry(key: $0, lastModified: 0, etag: "E", size: 1) }
    }

    func request(_ query: String) throws -> ListObjectsRequest {
        try ListObjectsRequest(query: try #require(QueryItem.parse(query[...])))
    }

    @Test func delimiterRollsUpPrefixes() throws {
        let all = entries(["a.ts", "cam1/1.ts", "cam1/2.ts", "cam1/sub/3.ts", "cam2/p.m3u8", "z"])
        let top = try request("delimiter=%2F").page(sortedEntries: all)
        #expect(top.contents.map(\.key) == ["a.ts", "z"])
        #expect(top.commonPrefixes == ["cam1/", "cam2/"])
        #expect(!top.isTruncated && top.next == nil)
        let inside = try request("prefix=cam1%2F&delimiter=%2F").page(sortedEntries: all)
        #expect(inside.contents.map(\.key) == ["cam1/1.ts", "cam1/2.ts"])
        #expect(inside.commonPrefixes == ["cam1/sub/"])
        let body = try XMLDocument.parse(ObjectListing(bucket: "bkt", request: try request("delimiter=%2F"), page: top, owner: Owner(id: "o")).xml())
        #expect(body.children("Contents").count == 2 && body.children("CommonPrefixes").count == 2)
        let flat = try request("prefix=cam").page(sortedEntries: all)
        #expect(flat.contents.count == 4 && flat.commonPrefixes.isEmpty)
    }

    /// Walking NextMarker (v1) or NextContinuationToken (v2) page by page gives every item once.
    @Test(arguments: ["", "list-type=2&"])
    func pagingVisitsEverythingOnce(_ version: String) throws {
        let keys = ["a.ts", "cam1/1.ts", "cam1/2.ts", "cam1/sub/3.ts", "cam2/p.m3u8", "cam3", "z"]
        let all = entries(keys)
        var seen: [String] = []
        var next: String? = ""
        var pages = 0
        while let cursor = next {
            let cursorParam = version.isEmpty ? "marker=" : "continuation-token="
            let page = try request(version + "delimiter=%2F&max-keys=2&" + cursorParam + PercentEncoding.encodeRFC3986(cursor, keepSlash: false))
                .page(sortedEntries: all)
            #expect(page.contents.count + page.commonPrefixes.count <= 2)
            seen += page.contents.map(\.key) + page.commonPrefixes
            next = page.next
            #expect(page.isTruncated == (page.next != nil))
            pages += 1
            if pages > 10 { break }
        }
        #expect(seen.sorted(by: utf8Precedes) == ["a.ts", "cam1/", "cam2/", "cam3", "z"])
        #expect(pages == 3)
    }

    @Test func startAfterAndTokenTakeTheLaterKey() throws {
        #expect(try request("list-type=2&start-after=b&continuation-token=c").startAfterKey == "c")
        #expect(try request("list-type=2&start-after=d&continuation-token=c").startAfterKey == "d")
        #expect(try request("marker=m&start-after=z").startAfterKey == "m")
        let page = try request("list-type=2&start-after=cam1%2F2.ts").page(sortedEntries: entries(["cam1/1.ts", "cam1/2.ts", "cam1/3.ts"]))
        #expect(page.contents.map(\.key) == ["cam1/3.ts"])
    }
}
