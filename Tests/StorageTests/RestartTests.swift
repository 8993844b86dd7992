import Digest
import Foundation
import Testing
@testable import Storage

@Suite struct RestartTests {
    let scratch = ScratchDirectory()

    func metadata(_ n: Int) -> ObjectMetadata {
        ObjectMetadata(
            contentType: "type/\(n)", userMetadata: ["n": "\(n)", "empty": ""],
            cacheControl: n % 2 == 0 ? "max-age=\(n)" : nil, contentDisposition: n % 3 == 0 ? "attachment" : nil,
            contentEncoding: nil, expires: n % 5 == 0 ? "never" : nil, attributes: ["start": "\(n * 1000)"])
    }

    func snapshot(_ store: ObjectStore, bucket: String) throws -> [(ObjectInfo, [UInt8])] {
        try store.listObjects(bucket: bucket, prefix: "", after: nil, delimiter: nil, maxKeys: .max).objects.map {
            ($0, try store.readObject(bucket: bucket, key: $0.key))
        }
    }

    @Test func newStoreOnTheSameRootSeesEverything() throws {
        let clock = TestClock()
        var rng = SplitMix64(seed: 99)
        let before: [(ObjectInfo, [UInt8])]
        let beforeOther: [(ObjectInfo, [UInt8])]
        do {
            let store = try ObjectStore(root: scratch.data, clock: clock.function)
            _ = try store.createBucket("first", acl: .publicRead)
            _ = try store.createBucket("second", acl: .private)
            try store.setACL(.publicReadWrite, bucket: "second")
            for n in 0..<200 {
                clock.advance(7)
                _ = try store.putObject(bucket: "first", key: Keys.random(&rng), bytes: bytes("body \(n)"), metadata: metadata(n))
            }
            _ = try store.putObject(bucket: "second", key: "a", bytes: [1], metadata: metadata(1))
            _ = try store.putObject(bucket: "second", key: "a/b", bytes: [2], metadata: metadata(2))
            _ = try store.putObject(bucket: "second", key: "gone", bytes: [3], metadata: metadata(3))
            try store.deleteObject(bucket: "second", key: "gone")
            before = try snapshot(store, bucket: "first")
            beforeOther = try snapshot(store, bucket: "second")
        }
        let reopened = try ObjectStore(root: scratch.data, clock: clock.function)
        #expect(reopened.listBuckets().map(\.name) == ["first", "second"])
        #expect(reopened.bucket("first")?.acl == .publicRead)
        #expect(reopened.bucket("second")?.acl == .publicReadWrite)
        #expect(reopened.bucket("first")?.creationDate == TestClock().read() / 1000)
        let after = try snapshot(reopened, bucket: "first")
        #expect(after.map(\.0) == before.map(\.0))
        #expect(after.map(\.1) == before.map(\.1))
        let afterOther = try snapshot(reopened, bucket: "second")
        #expect(afterOther.map(\.0) == beforeOther.map(\.0))
        #expect(afterOther.map(\.0.key) == ["a", "a/b"])
        #expect(reopened.startupNotes.isEmpty)
    }

    @Test func orphanTempFilesAreRemoved() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            let spool = store.makeTempFilePath()
            #expect(FileManager.default.createFile(atPath: spool, contents: Data([1, 2, 3])))
            // What a crash during the start-up write probe leaves (same pid next time in a container).
            #expect(FileManager.default.createFile(atPath: store.root + "/.oss/tmp/probe-\(getpid())", contents: Data()))
            try FileManager.default.createDirectory(atPath: store.root + "/.oss/tmp/half-dir/inner", withIntermediateDirectories: true)
        }
        let store = try ObjectStore(root: scratch.data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/.oss/tmp").isEmpty)
    }

    @Test func filesCopiedInByHandAppearWithComputedDigests() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
        }
        let manager = FileManager.default
        try manager.createDirectory(atPath: scratch.data + "/media/hand/deep", withIntermediateDirectories: true)
        #expect(manager.createFile(atPath: scratch.data + "/media/hand/deep/clip.ts", contents: Data("123456789".utf8)))
        #expect(manager.createFile(atPath: scratch.data + "/media/%weird name", contents: Data([1])))
        let mtime = try #require(try manager.attributesOfItem(atPath: scratch.data + "/media/hand/deep/clip.ts")[.modificationDate] as? Date)
        let store = try ObjectStore(root: scratch.data)
        let info = try store.objectInfo(bucket: "media", key: "hand/deep/clip.ts")
        #expect(info.crc64 == 0x995D_C9BB_DF19_39FA)
        #expect(info.etag == Hex.encode(Hash.md5(bytes("123456789")), uppercase: true))
        #expect(info.size == 9)
        #expect(info.metadata == ObjectMetadata())
        // Date holds seconds as a Double, so allow its rounding.
        #expect(abs(info.lastModified - Int64((mtime.timeIntervalSince1970 * 1000).rounded(.down))) <= 1)
        #expect(try store.readObject(bucket: "media", key: "%weird name") == [1])
        // Once known, the object behaves like any other.
        try store.deleteObject(bucket: "media", key: "%weird name")
        #expect(!manager.fileExists(atPath: scratch.data + "/media/%weird name"))
    }

    @Test func fileReplacedByHandIsRehashed() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
            _ = try store.putObject(bucket: "media", key: "f", bytes: [1, 2], metadata: ObjectMetadata(contentType: "old/type"))
        }
        let path = scratch.data + "/media/f"
        try FileManager.default.removeItem(atPath: path)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([9, 9, 9])))
        let store = try ObjectStore(root: scratch.data)
        let info = try store.objectInfo(bucket: "media", key: "f")
        #expect(info.size == 3)
        #expect(info.etag == Hex.encode(Hash.md5([9, 9, 9]), uppercase: true))
        #expect(info.metadata == ObjectMetadata())
    }

    @Test func crashBetweenJournalAndRenameKeepsThePreviousVersion() throws {
        let old: ObjectInfo
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
            old = try store.putObject(bucket: "media", key: "live/index.m3u8", bytes: bytes("old"), metadata: ObjectMetadata(contentType: "application/x-mpegURL"))
            _ = try store.putObject(bucket: "media", key: "never-renamed", bytes: [1], metadata: ObjectMetadata())
        }
        // What a crash leaves: records for new versions whose files never got renamed in.
        let journal = scratch.data + "/.oss/journal/media"
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd()
        for key in ["live/index.m3u8", "brand-new"] {
            let entry = ObjectEntry(
                size: 3, md5: MD5Value(high: 0, low: 0), crc64: 0, lastModified: 0,
                metadata: MetadataBlob(ObjectMetadata(contentType: "new/type")), path: nil,
                identity: FileIdentity(inode: 1, size: 3, mtimeNanoseconds: 1))
            try handle.write(contentsOf: JournalFormat.frame(.put(key: bytes(key), entry: entry)))
        }
        // And a torn tail.
        try handle.write(contentsOf: [0x40, 0, 0, 0, 1, 2, 3])
        try handle.close()
        let store = try ObjectStore(root: scratch.data)
        #expect(try store.objectInfo(bucket: "media", key: "live/index.m3u8") == old)
        #expect(throws: StorageError.noSuchKey("brand-new")) { try store.objectInfo(bucket: "media", key: "brand-new") }
        #expect(try store.objectCount(bucket: "media") == 2)
        #expect(store.startupNotes.isEmpty)
    }

    /// A journal that already matches the files is reused at start; a torn
    /// tail must be cut off first, or records appended after it would be lost.
    @Test func exactJournalIsReusedAndItsTornTailCut() throws {
        let journal = scratch.data + "/.oss/journal/media"
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
            for n in 0..<3 {
                _ = try store.putObject(bucket: "media", key: "k\(n)", bytes: [UInt8(n)], metadata: ObjectMetadata(contentType: "t/\(n)"))
            }
        }
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd()
        try handle.write(contentsOf: [0x40, 0, 0, 0, 1, 2, 3])
        try handle.close()
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: journal)[.systemFileNumber] as? Int)
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.putObject(bucket: "media", key: "k3", bytes: [3], metadata: ObjectMetadata(contentType: "t/3"))
            _ = try store.putObject(bucket: "media", key: "k0", bytes: [9], metadata: ObjectMetadata(contentType: "t/9"))
            // Same file appended to, not rewritten.
            #expect(try FileManager.default.attributesOfItem(atPath: journal)[.systemFileNumber] as? Int == inode)
        }
        let store = try ObjectStore(root: scratch.data)
        #expect(try store.objectInfo(bucket: "media", key: "k3").metadata.contentType == "t/3")
        #expect(try store.objectInfo(bucket: "media", key: "k0").metadata.contentType == "t/9")
        #expect(try store.objectInfo(bucket: "media", key: "k1").metadata.contentType == "t/1")
        #expect(try store.readObject(bucket: "media", key: "k0") == [9])
    }

    @Test func unreadableJournalFallsBackToTheFiles() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
            _ = try store.putObject(bucket: "media", key: "k", bytes: [4, 2], metadata: ObjectMetadata(contentType: "x/y"))
        }
        #expect(FileManager.default.createFile(atPath: scratch.data + "/.oss/journal/media", contents: Data("garbage".utf8)))
        let store = try ObjectStore(root: scratch.data)
        #expect(try store.readObject(bucket: "media", key: "k") == [4, 2])
        #expect(try store.objectInfo(bucket: "media", key: "k").etag == Hex.encode(Hash.md5([4, 2]), uppercase: true))
        #expect(store.startupNotes.contains { $0.contains("journal") })
    }

    @Test func bucketDirectoriesAddedOrRemovedByHand() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("removed", acl: .publicRead)
        }
        let manager = FileManager.default
        try manager.removeItem(atPath: scratch.data + "/removed")
        try manager.createDirectory(atPath: scratch.data + "/handmade/sub", withIntermediateDirectories: true)
        #expect(manager.createFile(atPath: scratch.data + "/handmade/sub/file", contents: Data([1])))
        try manager.createDirectory(atPath: scratch.data + "/Not_A_Bucket", withIntermediateDirectories: true)
        let store = try ObjectStore(root: scratch.data)
        #expect(store.listBuckets().map(\.name) == ["handmade"])
        #expect(store.bucket("handmade")?.acl == .private)
        #expect(try store.readObject(bucket: "handmade", key: "sub/file") == [1])
        // A bucket created with the removed name starts fresh.
        #expect(try store.createBucket("removed", acl: .private))
        #expect(store.bucket("removed")?.acl == .private)
    }

    @Test func bucketDirectoryReplacedByALinkIsSkippedButRemembered() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("linked", acl: .publicRead)
        }
        let manager = FileManager.default
        try manager.moveItem(atPath: scratch.data + "/linked", toPath: scratch.path + "/elsewhere")
        try manager.createSymbolicLink(atPath: scratch.data + "/linked", withDestinationPath: scratch.path + "/elsewhere")
        let skipped = try ObjectStore(root: scratch.data)
        #expect(skipped.bucket("linked") == nil)
        #expect(skipped.startupNotes.count == 1)
        try manager.removeItem(atPath: scratch.data + "/linked")
        try manager.moveItem(atPath: scratch.path + "/elsewhere", toPath: scratch.data + "/linked")
        #expect(try ObjectStore(root: scratch.data).bucket("linked")?.acl == .publicRead)
    }

    @Test func linksAndDuplicateSpellingsAreSkipped() throws {
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("media", acl: .private)
            _ = try store.putObject(bucket: "media", key: "a", bytes: [1], metadata: ObjectMetadata())
        }
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: scratch.data + "/media/link", withDestinationPath: "/etc/hostname")
        try manager.createSymbolicLink(atPath: scratch.data + "/media/dirlink", withDestinationPath: "/etc")
        #expect(manager.createFile(atPath: scratch.data + "/media/%xa", contents: Data([2])))  // another spelling of "a"
        let store = try ObjectStore(root: scratch.data)
        let keys = try store.listObjects(bucket: "media", prefix: "", after: nil, delimiter: nil, maxKeys: 100).objects.map(\.key)
        #expect(keys == ["a"])
        #expect(store.startupNotes.count == 3)
    }

    @Test func journalIsCompactedAndStillReplays() throws {
        let limits = StorageLimits(journalCompactionSlack: 10)
        let journal = scratch.data + "/.oss/journal/media"
        do {
            let store = try ObjectStore(root: scratch.data, limits: limits)
            _ = try store.createBucket("media", acl: .private)
            _ = try store.putObject(bucket: "media", key: "stay", bytes: [0], metadata: ObjectMetadata(contentType: "keep/me"))
            for n in 0..<100 {
                _ = try store.putObject(bucket: "media", key: "playlist", bytes: [UInt8(n)], metadata: ObjectMetadata(contentType: "v/\(n)"))
            }
            let records = try #require(JournalFormat.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: journal)))))
            #expect(records.count <= 2 + limits.journalCompactionSlack)
        }
        let store = try ObjectStore(root: scratch.data, limits: limits)
        #expect(try store.objectInfo(bucket: "media", key: "playlist").metadata.contentType == "v/99")
        #expect(try store.objectInfo(bucket: "media", key: "stay").metadata.contentType == "keep/me")
        #expect(try store.readObject(bucket: "media", key: "playlist") == [99])
    }

    @Test func fsyncModeWorksTheSame() throws {
        do {
            let store = try ObjectStore(root: scratch.data, fsync: true)
            _ = try store.createBucket("media", acl: .private)
            _ = try store.putObject(bucket: "media", key: "dir/k", bytes: [1, 2, 3], metadata: ObjectMetadata(contentType: "a/b"))
            try store.saveRecord(namespace: "live", bucket: "media", name: "ch", bytes: [5])
            _ = try store.putObject(bucket: "media", key: "dir/gone", bytes: [1], metadata: ObjectMetadata())
            try store.deleteObject(bucket: "media", key: "dir/gone")
        }
        let store = try ObjectStore(root: scratch.data, fsync: true)
        #expect(try store.readObject(bucket: "media", key: "dir/k") == [1, 2, 3])
        #expect(try store.objectInfo(bucket: "media", key: "dir/k").metadata.contentType == "a/b")
        #expect(try store.loadRecords(namespace: "live", bucket: "media").map(\.bytes) == [[5]])
        #expect(try store.objectCount(bucket: "media") == 1)
    }
}
