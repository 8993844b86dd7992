import Testing
@testable import Storage

/// `MetadataBlob.access` reads the ACL and symlink target from the encoding
/// directly; it must agree with decoding the whole blob, for every blob.
@Suite struct MetadataBlobTests {
    /// What the access check read before: the full decode.
    func expected(_ blob: MetadataBlob) -> ObjectAccess {
        let metadata = blob.decoded
        return ObjectAccess(acl: metadata.objectACL, symlinkTarget: metadata.objectType == .symlink ? metadata.symlinkTarget : nil)
    }

    static let samples: [ObjectMetadata] = {
        var plain = ObjectMetadata()
        plain.contentType = "text/plain"
        var rich = ObjectMetadata(
            contentType: "image/png", userMetadata: ["a": "1", "ünïcode": "välue"], cacheControl: "no-cache",
            contentDisposition: nil, contentEncoding: "gzip", expires: "Thu, 01 Jan 2026 00:00:00 GMT")
        rich.objectACL = "public-read"
        rich.storageClass = "IA"
        var link = ObjectMetadata(userMetadata: ["key1": "value1"])
        link.objectType = .symlink
        link.symlinkTarget = "dir/target one.txt"
        link.objectACL = "private"
        var notLink = ObjectMetadata()
        notLink.objectType = .appendable
        notLink.attributes[ObjectMetadata.Attribute.symlinkTarget] = "stray"
        return [ObjectMetadata(), plain, rich, link, notLink]
    }()

    @Test func agreesWithTheFullDecode() {
        let blobs = Self.samples.map(MetadataBlob.init)
        #expect(blobs[0].access == ObjectAccess())
        #expect(blobs[2].access == ObjectAccess(acl: "public-read"))
        #expect(blobs[3].access == ObjectAccess(acl: "private", symlinkTarget: "dir/target one.txt"))
        #expect(blobs[4].access == ObjectAccess())
        for blob in blobs {
            #expect(blob.access == expected(blob))
        }
    }

    /// A torn or damaged blob (a journal written by hand or cut by a crash)
    /// gives no attributes, as the full decode gives the default metadata.
    @Test func damagedBlobsAgreeWithTheFullDecode() {
        for metadata in Self.samples {
            let bytes = MetadataBlob(metadata).bytes
            for length in 0..<bytes.count {
                let torn = MetadataBlob(bytes: Array(bytes[..<length]))
                #expect(torn.access == expected(torn), "cut at \(length)")
            }
            for offset in bytes.indices {
                for replacement: UInt8 in [0x00, 0x01, 0x7F, 0xC3, 0xFF] {
                    var damaged = bytes
                    damaged[offset] = replacement
                    let blob = MetadataBlob(bytes: damaged)
                    #expect(blob.access == expected(blob), "byte \(offset) set to \(replacement)")
                }
            }
            let trailing = MetadataBlob(bytes: bytes + [0])
            #expect(trailing.access == ObjectAccess())
        }
    }
}
