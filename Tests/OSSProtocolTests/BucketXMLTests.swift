import Testing
@testable import OSSProtocol

@Suite struct BucketXMLTests {
    let owner = Owner(id: "1234567890")
    let bucket = BucketSummary(name: "demo-bucket", creationDate: 1_709_625_600, extranetEndpoint: "127.0.0.1:9000")

    @Test func listBucketsHasEveryElementOss2Reads() throws {
        let body = BucketXML.listBuckets(owner: owner, buckets: [bucket])
        #expect(text(body) == declaration + "<ListAllMyBucketsResult><Owner><ID>1234567890</ID><DisplayName>1234567890</DisplayName></Owner>"
            + "<Buckets><Bucket><CreationDate>2024-03-05T08:00:00.000Z</CreationDate><ExtranetEndpoint>127.0.0.1:9000</ExtranetEndpoint>"
            + "<IntranetEndpoint>127.0.0.1:9000</IntranetEndpoint><Location>oss-cn-hangzhou</Location><Name>demo-bucket</Name>"
            + "<Region>cn-hangzhou</Region><StorageClass>Standard</StorageClass></Bucket></Buckets></ListAllMyBucketsResult>")
        let paged = try XMLDocument.parse(BucketXML.listBuckets(owner: owner, buckets: [], page: BucketListPage(
            prefix: "d", marker: "", maxKeys: 1, isTruncated: true, nextMarker: "demo-bucket")))
        #expect(paged.text(of: "MaxKeys") == "1")
        #expect(paged.text(of: "IsTruncated") == "true")
        #expect(paged.text(of: "NextMarker") == "demo-bucket")
        #expect(paged.child("Buckets")?.children.isEmpty == true)
    }

    @Test func bucketInfoHasEveryElementOss2Requires() throws {
        let root = try XMLDocument.parse(BucketXML.bucketInfo(bucket, owner: owner, acl: .publicReadWrite))
        #expect(root.name == "BucketInfo")
        let b = try #require(root.child("Bucket"))
        for name in ["Name", "CreationDate", "StorageClass", "ExtranetEndpoint", "IntranetEndpoint", "Location"] {
            #expect(b.child(name) != nil, "\(name)")
        }
        #expect(b.child("Owner")?.text(of: "DisplayName") == "1234567890")
        #expect(b.child("Owner")?.text(of: "ID") == "1234567890")
        #expect(b.child("AccessControlList")?.text(of: "Grant") == "public-read-write")
        #expect(b.text(of: "CreationDate") == "2024-03-05T08:00:00.000Z")
        #expect(b.child("ServerSideEncryptionRule")?.text(of: "SSEAlgorithm") == "None")
        #expect(b.child("Versioning") == nil)
    }

    @Test func bucketInfoReportsTheDefaultEncryption() throws {
        let kms = BucketEncryptionSummary(algorithm: "KMS", kmsMasterKeyId: "key-1", kmsDataEncryption: "SM4")
        let root = try XMLDocument.parse(BucketXML.bucketInfo(bucket, owner: owner, acl: .private, encryption: kms))
        let rule = try #require(root.child("Bucket")?.child("ServerSideEncryptionRule"))
        #expect(rule.text(of: "SSEAlgorithm") == "KMS")
        #expect(rule.text(of: "KMSMasterKeyID") == "key-1")
        #expect(rule.text(of: "KMSDataEncryption") == "SM4")
        let aes = try XMLDocument.parse(BucketXML.bucketInfo(
            bucket, owner: owner, acl: .private, encryption: BucketEncryptionSummary(algorithm: "AES256")))
        #expect(aes.child("Bucket")?.child("ServerSideEncryptionRule")?.child("KMSMasterKeyID") == nil)
    }

    @Test func aclBodyAndHeader() throws {
        #expect(text(BucketXML.accessControlPolicy(owner: owner, acl: .private)) == declaration
            + "<AccessControlPolicy><Owner><ID>1234567890</ID><DisplayName>1234567890</DisplayName></Owner>"
            + "<AccessControlList><Grant>private</Grant></AccessControlList></AccessControlPolicy>")
        #expect(try BucketACL.parse("public-read") == .publicRead)
        let error = expectOSSError { () throws(OSSError) in try BucketACL.parse("Public-Read") }
        #expect(error?.status == 400 && error?.code == "InvalidArgument")
        #expect(text(BucketXML.location("oss-cn-hangzhou")) == declaration + "<LocationConstraint>oss-cn-hangzhou</LocationConstraint>")
    }

    @Test func createBucketConfiguration() throws {
        #expect(try CreateBucketConfiguration.parse([]) == CreateBucketConfiguration())
        #expect(try CreateBucketConfiguration.parse(Array(" \n".utf8)) == CreateBucketConfiguration())
        let go = "<CreateBucketConfiguration><StorageClass>IA</StorageClass></CreateBucketConfiguration>"
        #expect(try CreateBucketConfiguration.parse(Array(go.utf8)).storageClass == "IA")
        let empty = "<CreateBucketConfiguration><StorageClass /></CreateBucketConfiguration>"
        #expect(try CreateBucketConfiguration.parse(Array(empty.utf8)).storageClass == "Standard")
        let bad = "<CreateBucketConfiguration><StorageClass>Gold</StorageClass></CreateBucketConfiguration>"
        #expect(expectOSSError { () throws(OSSError) in try CreateBucketConfiguration.parse(Array(bad.utf8)) }?.code == "InvalidArgument")
        #expect(expectOSSError { () throws(OSSError) in try CreateBucketConfiguration.parse(Array("<Other/>".utf8)) }?.code == "MalformedXML")
        #expect(expectOSSError { () throws(OSSError) in try CreateBucketConfiguration.parse(Array("<Create".utf8)) }?.code == "MalformedXML")
    }
}

@Suite struct ObjectListingTests {
    let owner = Owner(id: "o")
    let entries = [ObjectEntry(key: "cam1/a b+c.ts", lastModified: 1_709_625_600, etag: "5EB63BBBE01EEED093CB22BB8F5ACDC3", size: 11)]

    func query(_ raw: String) throws -> [QueryItem] { try #require(QueryItem.parse(raw[...])) }

    @Test func v1Plain() throws {
        let request = try ListObjectsRequest(query: query("prefix=cam1%2F&max-keys=1"))
        let listing = ObjectListing(bucket: "bkt", request: request, contents: entries, commonPrefixes: [],
                                    isTruncated: true, next: "cam1/a b+c.ts", owner: owner)
        #expect(text(listing.xml()) == declaration + "<ListBucketResult><Name>bkt</Name><Prefix>cam1/</Prefix><Marker></Marker>"
            + "<MaxKeys>1</MaxKeys><Delimiter></Delimiter><IsTruncated>true</IsTruncated><NextMarker>cam1/a b+c.ts</NextMarker>"
            + "<Contents><Key>cam1/a b+c.ts</Key><LastModified>2024-03-05T08:00:00.000Z</LastModified>"
            + "<ETag>&quot;5EB63BBBE01EEED093CB22BB8F5ACDC3&quot;</ETag><Type>Normal</Type><Size>11</Size>"
            + "<StorageClass>Standard</StorageClass><Owner><ID>o</ID><DisplayName>o</DisplayName></Owner></Contents></ListBucketResult>")
    }

    @Test func v1URLEncodedAsGoRequests() throws {
        let request = try ListObjectsRequest(query: query("delimiter=%2F&encoding-type=url&marker=&max-keys=100&prefix="))
        let listing = ObjectListing(bucket: "bkt", request: request, contents: entries, commonPrefixes: ["cam 2/"],
                                    isTruncated: false, next: nil, owner: owner)
        let root = try XMLDocument.parse(listing.xml())
        #expect(root.text(of: "EncodingType") == "url")
        #expect(root.text(of: "Delimiter") == "%2F")
        #expect(root.child("Contents")?.text(of: "Key") == "cam1%2Fa%20b%2Bc.ts")
        #expect(root.child("CommonPrefixes")?.text(of: "Prefix") == "cam%202%2F")
        #expect(root.child("NextMarker") == nil)
        #expect(root.text(of: "IsTruncated") == "false")
    }

    @Test func v2FieldsAndOwnerOnlyWhenFetched() throws {
        let request = try ListObjectsRequest(query: query("list-type=2&start-after=a&continuation-token=tok&max-keys=2"))
        #expect(request.isV2 && request.startAfter == "a" && request.continuationToken == "tok" && !request.fetchOwner)
        let listing = ObjectListing(bucket: "bkt", request: request, contents: entries, commonPrefixes: ["p/"],
                                    isTruncated: true, next: "next-token", owner: owner)
        let root = try XMLDocument.parse(listing.xml())
        #expect(root.text(of: "KeyCount") == "2")
        #expect(root.text(of: "StartAfter") == "a")
        #expect(root.text(of: "ContinuationToken") == "tok")
        #expect(root.text(of: "NextContinuationToken") == "next-token")
        #expect(root.child("Marker") == nil)
        #expect(root.child("Contents")?.child("Owner") == nil)
        #expect(root.child("Contents")?.text(of: "Type") == "Normal")

        // Go unescapes NextContinuationToken unconditionally, so it is encoded with the keys.
        let encoded = try ListObjectsRequest(query: query("list-type=2&encoding-type=url"))
        let tokenListing = ObjectListing(bucket: "bkt", request: encoded, contents: [], commonPrefixes: [],
                                         isTruncated: true, next: "a b%", owner: owner)
        #expect(try XMLDocument.parse(tokenListing.xml()).text(of: "NextContinuationToken") == "a%20b%25")

        let fetch = try ListObjectsRequest(query: query("list-type=2&fetch-owner=true"))
        let owned = ObjectListing(bucket: "bkt", request: fetch, contents: entries, commonPrefixes: [],
                                  isTruncated: false, next: nil, owner: owner)
        #expect(try XMLDocument.parse(owned.xml()).child("Contents")?.child("Owner")?.text(of: "ID") == "o")
    }

    @Test func listParameterLimits() throws {
        #expect(try ListObjectsRequest(query: []).maxKeys == ListObjectsRequest.defaultMaxKeys)
        #expect(try ListObjectsRequest(query: query("max-keys=")).maxKeys == 100)
        #expect(try ListObjectsRequest(query: query("max-keys=1000")).maxKeys == ListObjectsRequest.maxMaxKeys)
        #expect(try ListObjectsRequest(query: query("max-keys=1")).maxKeys == 1)
        for bad in ["max-keys=0", "max-keys=1001", "max-keys=-1", "max-keys=abc", "max-keys=%2B5", "max-keys=99999999999999999999",
                    "encoding-type=base64", "list-type=3",
                    "prefix=" + String(repeating: "a", count: ListObjectsRequest.maxPrefixBytes + 1)] {
            let items = try query(bad)
            let error = expectOSSError { () throws(OSSError) in try ListObjectsRequest(query: items) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad.prefix(30))")
        }
        #expect(try ListObjectsRequest(query: query("prefix=" + String(repeating: "a", count: 1023))).prefix.count == 1023)
    }
}

@Suite struct DeleteObjectsTests {
    @Test func parsesOss2AndGoBodies() throws {
        let oss2 = "<Delete><Quiet>false</Quiet><Object><Key>a</Key></Object><Object><Key>b/c d</Key></Object></Delete>"
        #expect(try DeleteObjectsRequest.parse(Array(oss2.utf8)) == DeleteObjectsRequest(quiet: false, keys: ["a", "b/c d"]))
        let go = "<Delete><Quiet>true</Quiet><Object><Key>x</Key></Object></Delete>"
        #expect(try DeleteObjectsRequest.parse(Array(go.utf8)) == DeleteObjectsRequest(quiet: true, keys: ["x"]))
        let noQuiet = "<Delete><Object><Key>x</Key></Object></Delete>"
        #expect(try DeleteObjectsRequest.parse(Array(noQuiet.utf8)).quiet == false)
    }

    @Test func rejectsBadBodies() {
        let cases: [(String, String)] = [
            ("<Delete></Delete>", "MalformedXML"),
            ("<Remove><Object><Key>x</Key></Object></Remove>", "MalformedXML"),
            ("<Delete><Quiet>yes</Quiet><Object><Key>x</Key></Object></Delete>", "MalformedXML"),
            ("<Delete><Object></Object></Delete>", "MalformedXML"),
            ("<Delete><Object><Key>/x</Key></Object></Delete>", "InvalidObjectName"),
            ("<Delete><Object><Key></Key></Object></Delete>", "InvalidObjectName"),
        ]
        for (body, code) in cases {
            #expect(expectOSSError { () throws(OSSError) in try DeleteObjectsRequest.parse(Array(body.utf8)) }?.code == code, "\(body)")
        }
    }

    @Test func objectCountLimit() throws {
        func body(_ n: Int) -> [UInt8] {
            Array(("<Delete>" + String(repeating: "<Object><Key>k</Key></Object>", count: n) + "</Delete>").utf8)
        }
        #expect(try DeleteObjectsRequest.parse(body(DeleteObjectsRequest.maxObjects)).keys.count == 1000)
        #expect(expectOSSError { () throws(OSSError) in try DeleteObjectsRequest.parse(body(DeleteObjectsRequest.maxObjects + 1)) }?.code == "MalformedXML")
    }

    @Test func resultBodies() {
        #expect(text(DeleteObjectsXML.result(deleted: ["a b", "c"], quiet: false, urlEncoded: true)) == declaration
            + "<DeleteResult><EncodingType>url</EncodingType><Deleted><Key>a%20b</Key></Deleted><Deleted><Key>c</Key></Deleted></DeleteResult>")
        #expect(text(DeleteObjectsXML.result(deleted: ["a"], quiet: true, urlEncoded: false)) == declaration + "<DeleteResult></DeleteResult>")
        #expect(text(DeleteObjectsXML.result(deleted: ["a&b"], quiet: false, urlEncoded: false)) == declaration
            + "<DeleteResult><Deleted><Key>a&amp;b</Key></Deleted></DeleteResult>")
    }
}

@Suite struct NameRulesTests {
    @Test func bucketNames() {
        for good in ["abc", "demo-bucket", "a1b", "123", String(repeating: "a", count: 63)] {
            #expect(NameRules.isValidBucketName(good), "\(good)")
        }
        for bad in ["ab", String(repeating: "a", count: 64), "-abc", "abc-", "Abc", "a_b", "a.b", "", "_emulator", "ab c"] {
            let error = expectOSSError { () throws(OSSError) in try NameRules.validateBucketName(bad) }
            #expect(error?.status == 400 && error?.code == "InvalidBucketName", "\(bad)")
        }
    }

    @Test func objectKeys() throws {
        try NameRules.validateObjectKey("a")
        try NameRules.validateObjectKey(String(repeating: "k", count: NameRules.maxObjectKeyBytes))
        try NameRules.validateObjectKey("a//b/./..")
        for bad in ["", "/a", "\\a", String(repeating: "k", count: 1024), String(repeating: "中", count: 342)] {
            let error = expectOSSError { () throws(OSSError) in try NameRules.validateObjectKey(bad) }
            #expect(error?.status == 400 && error?.code == "InvalidObjectName")
        }
    }

    @Test func channelNames() throws {
        try NameRules.validateChannelName("cam1")
        try NameRules.validateChannelName("test channel")
        try NameRules.validateChannelName(String(repeating: "c", count: NameRules.maxChannelNameBytes))
        let cases: [(String, String?)] = [
            ("", "0017-00000258"), (String(repeating: "c", count: 64), "0017-00000258"),
            (String(repeating: "中", count: 22), "0017-00000258"), (String(repeating: "c", count: 1024), "0017-00000258"),
            ("a/b", "0017-00000260"), ("/a", "0017-00000260"), ("\\a", nil), ("a\u{1}b", nil),
        ]
        for (bad, ec) in cases {
            let error = expectOSSError { () throws(OSSError) in try NameRules.validateChannelName(bad) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad)")
            #expect(error?.ec == ec, "\(bad)")
        }
    }

    @Test func playlistNames() throws {
        try NameRules.validatePlaylistName("a.m3u8")
        try NameRules.validatePlaylistName(String(repeating: "p", count: 123) + ".m3u8")
        for bad in [".m3u8", "playlist.m3u", "a/b.m3u8", String(repeating: "p", count: 124) + ".m3u8", "playlist.M3U8", ""] {
            let error = expectOSSError { () throws(OSSError) in try NameRules.validatePlaylistName(bad) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument", "\(bad)")
        }
    }
}
