import Testing
@testable import OSSProtocol

@Suite struct ListingEncodingTests {
    func page(_ query: [QueryItem], next: String) throws -> String {
        let request = try ListObjectsRequest(query: query)
        let listing = ObjectListing(bucket: "bkt", request: request, contents: [], commonPrefixes: [], isTruncated: true,
                                    next: next, owner: Owner(id: "1"))
        return text(listing.xml())
    }

    @Test func nextContinuationTokenIsEncodedWithTheKeys() throws {
        let encoded = try page([QueryItem(name: "list-type", value: "2"), QueryItem(name: "encoding-type", value: "url")],
                               next: "fn5+MQ/=")
        #expect(encoded.contains("<NextContinuationToken>fn5%2BMQ%2F%3D</NextContinuationToken>"))
        let plain = try page([QueryItem(name: "list-type", value: "2")], next: "fn5+MQ/=")
        #expect(plain.contains("<NextContinuationToken>fn5+MQ/=</NextContinuationToken>"))
    }
}
