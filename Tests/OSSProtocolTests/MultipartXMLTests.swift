import Testing
@testable import OSSProtocol

@Suite struct MultipartXMLTests {
    @Test func initiateResultHasBucketKeyAndUploadId() {
        let xml = text(MultipartXML.initiateResult(bucket: "b", key: "a b/c", uploadId: "0123", urlEncoded: false))
        #expect(xml == declaration + "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>a b/c</Key><UploadId>0123</UploadId></InitiateMultipartUploadResult>")
        let encoded = text(MultipartXML.initiateResult(bucket: "b", key: "a b/c", uploadId: "0123", urlEncoded: true))
        #expect(encoded.contains("<EncodingType>url</EncodingType>"))
        #expect(encoded.contains("<Key>a%20b%2Fc</Key>"))
    }

    @Test func completeResultQuotesTheETag() {
        let xml = text(MultipartXML.completeResult(location: "http://h/b/k", bucket: "b", key: "k", etag: "AB-2", urlEncoded: false))
        #expect(xml == declaration + "<CompleteMultipartUploadResult><Location>http://h/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;AB-2&quot;</ETag></CompleteMultipartUploadResult>")
    }

    @Test func copyPartResult() {
        let xml = text(MultipartXML.copyPartResult(lastModified: 0, etag: "AB"))
        #expect(xml == declaration + "<CopyPartResult><LastModified>1970-01-01T00:00:00.000Z</LastModified><ETag>&quot;AB&quot;</ETag></CopyPartResult>")
    }

    @Test func parsesTheCompleteBodyOss2Sends() throws {
        let body = #"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"AA"</ETag></Part><Part><PartNumber>3</PartNumber><ETag>bb</ETag></Part></CompleteMultipartUpload>"#
        let parts = try MultipartXML.parseComplete(Array(body.utf8))
        #expect(parts == [RequestedPart(partNumber: 1, etag: "AA"), RequestedPart(partNumber: 3, etag: "bb")])
    }

    @Test(arguments: [
        "<Other/>", "<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>", "not xml",
    ])
    func malformedCompleteBodies(body: String) {
        #expect(caught { try MultipartXML.parseComplete(Array(body.utf8)) }?.code == "MalformedXML")
    }

    @Test func listPartsCarriesEveryElementOss2Reads() throws {
        let request = try ListPartsRequest(query: [QueryItem(name: "uploadId", value: "U")])
        let listing = PartListing(
            bucket: "b", key: "k", uploadId: "U", request: request,
            parts: [PartEntry(partNumber: 2, lastModified: 60, etag: "AB", crc64: 18_446_744_073_709_551_615, size: 5)],
            isTruncated: false)
        #expect(text(listing.xml()) == declaration
            + "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U</UploadId><PartNumberMarker>0</PartNumberMarker>"
            + "<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>"
            + "<Part><PartNumber>2</PartNumber><LastModified>1970-01-01T00:01:00.000Z</LastModified><ETag>&quot;AB&quot;</ETag>"
            + "<HashCrc64ecma>18446744073709551615</HashCrc64ecma><Size>5</Size></Part></ListPartsResult>")
    }

    @Test func listPartsParameterLimits() throws {
        #expect(try ListPartsRequest(query: []).maxParts == MultipartLimits.defaultMaxParts)
        #expect(try ListPartsRequest(query: [QueryItem(name: "max-parts", value: "1000")]).maxParts == 1000)
        #expect(caught { try ListPartsRequest(query: [QueryItem(name: "max-parts", value: "1001")]) }?.code == "InvalidArgument")
        #expect(caught { try ListPartsRequest(query: [QueryItem(name: "max-parts", value: "0")]) }?.code == "InvalidArgument")
        #expect(caught { try ListPartsRequest(query: [QueryItem(name: "part-number-marker", value: "x")]) }?.code == "InvalidArgument")
        #expect(caught { try ListUploadsRequest(query: [QueryItem(name: "max-uploads", value: "1001")]) }?.code == "InvalidArgument")
        #expect(try ListUploadsRequest(query: []).maxUploads == MultipartLimits.defaultMaxUploads)
    }
}

@Suite struct MultipartRulesTests {
    let uploaded = [
        StoredPartSummary(partNumber: 1, etag: "AA", size: MultipartLimits.minPartSize),
        StoredPartSummary(partNumber: 2, etag: "BB", size: 10),
        StoredPartSummary(partNumber: 3, etag: "CC", size: 1),
    ]

    @Test func partNumbersAreOneToTenThousand() throws {
        #expect(try MultipartRules.partNumber("1") == 1)
        #expect(try MultipartRules.partNumber("10000") == MultipartLimits.maxPartNumber)
        for bad in ["0", "10001", "-1", "", "1.5", nil] as [String?] {
            #expect(caught { try MultipartRules.partNumber(bad) }?.code == "InvalidArgument")
        }
    }

    @Test func aValidListPicksTheNamedParts() throws {
        let chosen = try MultipartRules.check(
            [RequestedPart(partNumber: 1, etag: "aa"), RequestedPart(partNumber: 3, etag: "CC")], uploaded: uploaded, uploadId: "U")
        #expect(chosen.map(\.partNumber) == [1, 3])
    }

    @Test func aMissingPartOrAWrongETagIsInvalidPart() {
        let missing = caught {
            try MultipartRules.check([RequestedPart(partNumber: 4, etag: "DD")], uploaded: uploaded, uploadId: "U")
        }
        #expect(missing?.code == "InvalidPart")
        #expect(missing?.status == 400)
        let wrong = caught {
            try MultipartRules.check([RequestedPart(partNumber: 1, etag: "AB")], uploaded: uploaded, uploadId: "U")
        }
        #expect(wrong?.code == "InvalidPart")
    }

    @Test func descendingOrRepeatedNumbersAreInvalidPartOrder() {
        for list in [[3, 1], [1, 1]] {
            let error = caught {
                try MultipartRules.check(list.map { RequestedPart(partNumber: $0, etag: "AA") }, uploaded: uploaded, uploadId: "U")
            }
            #expect(error?.code == "InvalidPartOrder")
        }
    }

    @Test func aSmallPartBeforeTheLastIsEntityTooSmall() {
        let error = caught {
            try MultipartRules.check(
                [RequestedPart(partNumber: 2, etag: "BB"), RequestedPart(partNumber: 3, etag: "CC")], uploaded: uploaded, uploadId: "U")
        }
        #expect(error?.code == "EntityTooSmall")
        // The minimum itself is allowed, and the last part may be any size.
        #expect(throws: Never.self) {
            try MultipartRules.check(
                [RequestedPart(partNumber: 1, etag: "AA"), RequestedPart(partNumber: 2, etag: "BB")], uploaded: uploaded, uploadId: "U")
        }
        #expect(MultipartLimits.minPartSize == 102_400)
    }

    @Test func anEmptyListIsMalformed() {
        #expect(caught { try MultipartRules.check([], uploaded: uploaded, uploadId: "U") }?.code == "MalformedXML")
    }

    @Test func completeAllTakesEveryPartInOrderAndChecksSizes() throws {
        let parts = [StoredPartSummary(partNumber: 5, etag: "B", size: 1), StoredPartSummary(partNumber: 2, etag: "A", size: 200_000)]
        #expect(try MultipartRules.all(parts, uploadId: "U").map(\.partNumber) == [2, 5])
        #expect(caught { try MultipartRules.all(Array(uploaded), uploadId: "U") }?.code == "EntityTooSmall")
        #expect(caught { try MultipartRules.all([], uploadId: "U") }?.code == "InvalidPart")
    }
}

@Suite struct UploadPagingTests {
    static let all: [UploadEntry] = [
        UploadEntry(key: "a", uploadId: "1", initiated: 0), UploadEntry(key: "a", uploadId: "2", initiated: 0),
        UploadEntry(key: "d/x", uploadId: "3", initiated: 0), UploadEntry(key: "d/y", uploadId: "4", initiated: 0),
        UploadEntry(key: "e", uploadId: "5", initiated: 0),
    ]

    static func request(_ items: [(String, String)]) throws -> ListUploadsRequest {
        try ListUploadsRequest(query: items.map { QueryItem(name: $0.0, value: $0.1) })
    }

    @Test func pagesWithKeyAndUploadIdMarkers() throws {
        let first = UploadListing(bucket: "b", request: try Self.request([("max-uploads", "1")]), all: Self.all)
        #expect(first.uploads.map(\.uploadId) == ["1"])
        #expect(first.isTruncated && first.nextKeyMarker == "a" && first.nextUploadIdMarker == "1")
        let second = UploadListing(
            bucket: "b", request: try Self.request([("max-uploads", "2"), ("key-marker", "a"), ("upload-id-marker", "1")]), all: Self.all)
        #expect(second.uploads.map(\.uploadId) == ["2", "3"])
        #expect(second.isTruncated && second.nextKeyMarker == "d/x" && second.nextUploadIdMarker == "3")
        // A key marker alone skips every upload of that key.
        let third = UploadListing(bucket: "b", request: try Self.request([("key-marker", "a")]), all: Self.all)
        #expect(third.uploads.map(\.uploadId) == ["3", "4", "5"])
        #expect(!third.isTruncated)
    }

    @Test func delimiterFoldsKeysIntoCommonPrefixes() throws {
        let listing = UploadListing(bucket: "b", request: try Self.request([("delimiter", "/")]), all: Self.all)
        #expect(listing.uploads.map(\.uploadId) == ["1", "2", "5"])
        #expect(listing.commonPrefixes == ["d/"])
        let paged = UploadListing(bucket: "b", request: try Self.request([("delimiter", "/"), ("max-uploads", "3")]), all: Self.all)
        #expect(paged.commonPrefixes == ["d/"] && paged.isTruncated && paged.nextKeyMarker == "d/")
        let after = UploadListing(bucket: "b", request: try Self.request([("delimiter", "/"), ("key-marker", "d/")]), all: Self.all)
        #expect(after.uploads.map(\.uploadId) == ["5"] && after.commonPrefixes.isEmpty)
        let prefixed = UploadListing(bucket: "b", request: try Self.request([("prefix", "d/")]), all: Self.all)
        #expect(prefixed.uploads.map(\.key) == ["d/x", "d/y"])
    }

    @Test func xmlHasTheElementsOss2Requires() throws {
        let listing = UploadListing(bucket: "b", request: try Self.request([("encoding-type", "url")]), all: [Self.all[2]])
        let xml = text(listing.xml())
        #expect(xml == declaration
            + "<ListMultipartUploadsResult><Bucket>b</Bucket><EncodingType>url</EncodingType><KeyMarker></KeyMarker>"
            + "<UploadIdMarker></UploadIdMarker><NextKeyMarker>d%2Fx</NextKeyMarker><NextUploadIdMarker>3</NextUploadIdMarker>"
            + "<Delimiter></Delimiter><Prefix></Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>"
            + "<Upload><Key>d%2Fx</Key><UploadId>3</UploadId><Initiated>1970-01-01T00:00:00.000Z</Initiated></Upload>"
            + "</ListMultipartUploadsResult>")
    }
}

/// The OSSError `body` threw; nil (and a recorded issue) when it threw none.
func caught<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> OSSError? {
    do {
        let value = try body()
        Issue.record("expected an OSSError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as OSSError {
        return error
    } catch {
        Issue.record("expected an OSSError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
