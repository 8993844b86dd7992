import Testing
@testable import Storage

@Suite struct JournalTests {
    let entry = ObjectEntry(
        size: 123, md5: MD5Value(high: .max, low: 1), crc64: .max, lastModified: -5,
        metadata: MetadataBlob(ObjectMetadata(
            contentType: "video/MP2T", userMetadata: ["a": "1", "b": ""], cacheControl: "c", contentDisposition: nil,
            contentEncoding: "gzip", expires: nil, attributes: ["push": "x"])),
        path: Array("%xa/b".utf8), identity: FileIdentity(inode: 99, size: 123, mtimeNanoseconds: 1_234_567_890_123))

    @Test func metadataBlobRoundTrips() {
        let full = ObjectMetadata(
            contentType: "t", userMetadata: ["k": "v", "é": "😀"], cacheControl: "", contentDisposition: "d",
            contentEncoding: nil, expires: "e", attributes: ["start": "1"])
        #expect(MetadataBlob(full).decoded == full)
        #expect(MetadataBlob(ObjectMetadata()).bytes.isEmpty)
        #expect(MetadataBlob(ObjectMetadata()).decoded == ObjectMetadata())
        // A content type alone differs from the default.
        #expect(MetadataBlob(ObjectMetadata(contentType: "a/b")).decoded.contentType == "a/b")
    }

    @Test func md5ValueRoundTrips() throws {
        let digest: [UInt8] = Array(0..<16).map { UInt8($0 * 17) }
        let value = try #require(MD5Value(digest))
        #expect(value.bytes == digest)
        #expect(value.hex == "00112233445566778899AABBCCDDEEFF")
        #expect(MD5Value([1, 2, 3]) == nil)
    }

    @Test func framesRoundTrip() throws {
        let records: [JournalRecord] = [.put(key: Array("é/k".utf8), entry: entry), .delete(key: Array("gone".utf8))]
        var bytes = JournalFormat.magic
        for record in records { bytes += JournalFormat.frame(record) }
        #expect(JournalFormat.records(in: bytes) == records)
    }

    @Test func replayStopsAtTheFirstDamagedFrame() throws {
        let first = JournalFormat.frame(.delete(key: [1]))
        var second = JournalFormat.frame(.delete(key: [2]))
        second[second.count - 1] ^= 0xFF  // bad CRC
        let third = JournalFormat.frame(.delete(key: [3]))
        #expect(JournalFormat.records(in: JournalFormat.magic + first + second + third) == [.delete(key: [1])])
        // Every truncation of a valid journal replays a prefix of its records.
        let whole = JournalFormat.magic + first + JournalFormat.frame(.put(key: [4], entry: entry))
        for cut in JournalFormat.magic.count...whole.count {
            let replayed = try #require(JournalFormat.records(in: Array(whole[0..<cut])))
            #expect(replayed.count == (cut == whole.count ? 2 : (cut >= JournalFormat.magic.count + first.count ? 1 : 0)))
        }
    }

    @Test func wrongMagicIsUnreadable() {
        #expect(JournalFormat.records(in: Array("OSSJRNL0".utf8)) == nil)
        #expect(JournalFormat.records(in: []) == nil)
    }
}
