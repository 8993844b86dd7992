import Testing
@testable import Storage

@Suite struct JournalTests {
    let entry = ObjectEntry(
        size: 123, etag: "ABCDEF", crc64: .max, lastModified: -5,
        metadata: ObjectMetadata(
            contentType: "video/MP2T", userMetadata: ["a": "1", "b": ""], cacheControl: "c", contentDisposition: nil,
            contentEncoding: "gzip", expires: nil, attributes: ["push": "x"]),
        path: Array("%xa/b".utf8), identity: FileIdentity(inode: 99, size: 123, mtimeNanoseconds: 1_234_567_890_123))

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
