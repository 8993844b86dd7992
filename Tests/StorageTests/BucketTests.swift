import Foundation
import Testing
@testable import Storage

@Suite struct BucketTests {
    @Test func createListAndDescribe() throws {
        let scratch = ScratchDirectory()
        let clock = TestClock(1_700_000_123_456)
        let store = try ObjectStore(root: scratch.data, clock: clock.function)
        #expect(try store.createBucket("zeta", acl: .private))
        #expect(try store.createBucket("alpha-1", acl: .publicRead))
        #expect(try store.createBucket("alpha-1", acl: .publicReadWrite) == false)  // unchanged
        #expect(store.bucket("alpha-1") == BucketInfo(name: "alpha-1", creationDate: 1_700_000_123, acl: .publicRead))
        #expect(store.bucket("nope") == nil)
        #expect(store.listBuckets().map(\.name) == ["alpha-1", "zeta"])
        #expect(FileManager.default.fileExists(atPath: scratch.data + "/zeta"))
    }

    @Test(arguments: ["ab", String(repeating: "a", count: 64), "Abc", "-abc", "abc-", "a_c", "a.c", ".oss", "tmp/x", "é-bucket"])
    func invalidNamesAreRejected(name: String) throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        #expect(throws: StorageError.invalidBucketName(name)) { try store.createBucket(name, acl: .private) }
    }

    @Test(arguments: ["abc", String(repeating: "a", count: 63), "0-9", "a-b-c"])
    func boundaryNamesAreAccepted(name: String) throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        #expect(try store.createBucket(name, acl: .private))
    }

    @Test func setACL() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("acl-test", acl: .private)
        try store.setACL(.publicReadWrite, bucket: "acl-test")
        #expect(store.bucket("acl-test")?.acl == .publicReadWrite)
        #expect(throws: StorageError.noSuchBucket("missing")) { try store.setACL(.private, bucket: "missing") }
    }

    @Test func deleteBucketOnlyWhenEmpty() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("full", acl: .private)
        _ = try store.putObject(bucket: "full", key: "dir/x", bytes: [1], metadata: ObjectMetadata())
        #expect(throws: StorageError.bucketNotEmpty("full")) { try store.deleteBucket("full") }
        try store.deleteObject(bucket: "full", key: "dir/x")
        try store.saveRecord(namespace: "live", bucket: "full", name: "ch1", bytes: [9])
        try store.deleteBucket("full")
        #expect(store.bucket("full") == nil)
        #expect(!FileManager.default.fileExists(atPath: scratch.data + "/full"))
        #expect(throws: StorageError.noSuchBucket("full")) { try store.deleteBucket("full") }
        #expect(throws: StorageError.noSuchBucket("full")) { try store.objectCount(bucket: "full") }
        // A bucket created again under the same name starts without the old records.
        _ = try store.createBucket("full", acl: .private)
        #expect(try store.loadRecords(namespace: "live", bucket: "full").isEmpty)
        #expect(try store.objectCount(bucket: "full") == 0)
    }

    @Test func directoryMadeByHandWhileRunningIsIndexedOnCreate() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        try FileManager.default.createDirectory(atPath: store.root + "/late/sub", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: store.root + "/late/sub/f", contents: Data([4])))
        #expect(try store.createBucket("late", acl: .publicRead))
        #expect(try store.readObject(bucket: "late", key: "sub/f") == [4])
    }

    @Test func oversizedBucketRecordFallsBackToDefaults() throws {
        let scratch = ScratchDirectory()
        do {
            let store = try ObjectStore(root: scratch.data)
            _ = try store.createBucket("big", acl: .publicRead)
        }
        let record = scratch.data + "/.oss/buckets/big"
        #expect(FileManager.default.createFile(atPath: record, contents: Data(repeating: 0x61, count: BucketRecord.maxBytes + 1)))
        let store = try ObjectStore(root: scratch.data)
        #expect(store.bucket("big")?.acl == .private)
        #expect(store.startupNotes.count == 1)
        // The record is rewritten, so the next start is quiet.
        try store.setACL(.publicRead, bucket: "big")
        #expect(try ObjectStore(root: scratch.data).startupNotes.isEmpty)
    }

    @Test func unwritableDataDirectoryIsReportedClearly() throws {
        let scratch = ScratchDirectory()
        // A regular file where the data directory should be.
        #expect(FileManager.default.createFile(atPath: scratch.path + "/file", contents: Data([1])))
        do {
            _ = try ObjectStore(root: scratch.path + "/file/data")
            Issue.record("expected an error")
        } catch let StorageError.io(message) {
            #expect(message.contains("unwritable"))
            #expect(message.contains(scratch.path + "/file/data"))
        }
    }

    @Test func rootIsAbsolute() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data + "/./nested/")
        #expect(store.root.hasPrefix("/"))
        #expect(!store.root.contains("/./"))
        #expect(store.makeTempFilePath().hasPrefix(store.root + "/.oss/tmp/"))
        #expect(store.makeTempFilePath() != store.makeTempFilePath())
    }
}
