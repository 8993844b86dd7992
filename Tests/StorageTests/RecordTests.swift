import Foundation
import Locking
import Testing
@testable import Storage

@Suite struct RecordTests {
    let scratch = ScratchDirectory()
    let store: ObjectStore

    init() throws {
        store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("bucket", acl: .private)
    }

    @Test func saveLoadOverwriteDelete() throws {
        try store.saveRecord(namespace: "live", bucket: "bucket", name: "ch2", bytes: [2])
        try store.saveRecord(namespace: "live", bucket: "bucket", name: "ch1", bytes: [1])
        try store.saveRecord(namespace: "live", bucket: "bucket", name: "ch1", bytes: [1, 1])
        let loaded = try store.loadRecords(namespace: "live", bucket: "bucket")
        #expect(loaded.map(\.name) == ["ch1", "ch2"])
        #expect(loaded.map(\.bytes) == [[1, 1], [2]])
        #expect(FileManager.default.fileExists(atPath: store.root + "/.oss/live/bucket/ch1"))
        try store.deleteRecord(namespace: "live", bucket: "bucket", name: "ch1")
        try store.deleteRecord(namespace: "live", bucket: "bucket", name: "ch1")  // absent: fine
        #expect(try store.loadRecords(namespace: "live", bucket: "bucket").map(\.name) == ["ch2"])
        #expect(try store.loadRecords(namespace: "other", bucket: "bucket").isEmpty)
        // Records are not objects.
        #expect(try store.objectCount(bucket: "bucket") == 0)
    }

    @Test func cachedRecordsFollowEveryWrite() throws {
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").isEmpty)
        try store.saveRecord(namespace: "config", bucket: "bucket", name: "policy", bytes: [1])
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").map(\.bytes) == [[1]])
        try store.saveRecord(namespace: "config", bucket: "bucket", name: "policy", bytes: [2])
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").map(\.bytes) == [[2]])
        // Another namespace of the same bucket is its own entry.
        try store.saveRecord(namespace: "other", bucket: "bucket", name: "policy", bytes: [9])
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").map(\.bytes) == [[2]])
        try store.deleteRecord(namespace: "config", bucket: "bucket", name: "policy")
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").isEmpty)

        // Kept on disk: a restarted store reads it; the bucket's deletion drops it.
        try store.saveRecord(namespace: "config", bucket: "bucket", name: "policy", bytes: [3])
        #expect(try store.cachedRecords(namespace: "config", bucket: "bucket").map(\.bytes) == [[3]])
        let restarted = try ObjectStore(root: scratch.data)
        #expect(try restarted.cachedRecords(namespace: "config", bucket: "bucket").map(\.bytes) == [[3]])
        try restarted.deleteBucket("bucket")
        #expect(throws: StorageError.self) { try restarted.cachedRecords(namespace: "config", bucket: "bucket") }
        _ = try restarted.createBucket("bucket", acl: .private)
        #expect(try restarted.cachedRecords(namespace: "config", bucket: "bucket").isEmpty)
    }

    /// A bucket's deletion (bucket table lock, then the cache) racing with
    /// cache misses (which look the bucket up) must not deadlock: the store
    /// once stopped answering when a suite deleted buckets while another
    /// read their settings.
    @Test func cacheMissesRacingBucketDeletionsFinish() throws {
        let rounds = 500
        let deleterDone = DispatchSemaphore(value: 0)
        let readerDone = DispatchSemaphore(value: 0)
        let stop = Locked(false)
        let store = self.store
        Thread.detachNewThread {
            for _ in 0..<rounds {
                try? store.saveRecord(namespace: "config", bucket: "bucket", name: "policy", bytes: [1])
                try? store.deleteBucket("bucket")
                _ = try? store.createBucket("bucket", acl: .private)
            }
            deleterDone.signal()
        }
        // Threads of their own: both loops must really run at once.
        Thread.detachNewThread {
            while !stop.withLock({ $0 }) {
                _ = try? store.cachedRecordValue(namespace: "config", bucket: "bucket") { $0.count }
                // A bucket that does not exist is never cached: every read is a miss.
                _ = try? store.cachedRecordValue(namespace: "config", bucket: "absent") { $0.count }
            }
            readerDone.signal()
        }
        let finished = deleterDone.wait(timeout: .now() + 30) == .success
        stop.withLock { $0 = true }
        #expect(finished)
        #expect(readerDone.wait(timeout: .now() + 10) == .success)
    }

    /// A value loaded while a record of its bucket changed is answered but
    /// not kept: the next reader loads again.
    @Test func aLoadThatRacedWithAWriteIsNotCached() {
        let cache = RecordCache()
        let first = cache.value(namespace: "config", bucket: "bucket") { () -> Int in
            cache.forget(namespace: "config", bucket: "bucket")  // a write lands meanwhile
            return 1
        }
        #expect(first == 1)
        #expect(cache.value(namespace: "config", bucket: "bucket") { 2 } == 2)
        #expect(cache.value(namespace: "config", bucket: "bucket") { 3 } == 2)
        cache.forget(bucket: "bucket")
        #expect(cache.value(namespace: "config", bucket: "bucket") { 4 } == 4)
    }

    @Test func eachTypeNamespaceAndBucketHasItsOwnCachedValue() {
        let cache = RecordCache()
        #expect(cache.value(namespace: "config", bucket: "bucket") { 1 } == 1)
        #expect(cache.value(namespace: "config", bucket: "bucket") { "text" } == "text")
        #expect(cache.value(namespace: "policy", bucket: "bucket") { 2 } == 2)
        #expect(cache.value(namespace: "config", bucket: "other") { 3 } == 3)
        // Kept: each comes back as stored, in its own type.
        #expect(cache.value(namespace: "config", bucket: "bucket") { 9 } == 1)
        #expect(cache.value(namespace: "config", bucket: "bucket") { "new" } == "text")
        #expect(cache.value(namespace: "policy", bucket: "bucket") { 9 } == 2)
        #expect(cache.value(namespace: "config", bucket: "other") { 9 } == 3)
        // Forgetting one namespace of one bucket leaves the others.
        cache.forget(namespace: "config", bucket: "bucket")
        #expect(cache.value(namespace: "config", bucket: "bucket") { 10 } == 10)
        #expect(cache.value(namespace: "config", bucket: "bucket") { "newer" } == "newer")
        #expect(cache.value(namespace: "policy", bucket: "bucket") { 9 } == 2)
        #expect(cache.value(namespace: "config", bucket: "other") { 9 } == 3)
    }

    @Test func awkwardNamesRoundTrip() throws {
        let names = [".", "..", "a/b", "%2F", "%s", "é", "e\u{301}", "a\u{0}b", " ", String(repeating: "n", count: 200)]
        for (n, name) in names.enumerated() {
            try store.saveRecord(namespace: "live", bucket: "bucket", name: name, bytes: [UInt8(n)])
        }
        let loaded = try store.loadRecords(namespace: "live", bucket: "bucket")
        #expect(loaded.count == names.count)
        for (n, name) in names.enumerated() {
            #expect(loaded.first { Array($0.name.utf8) == Array(name.utf8) }?.bytes == [UInt8(n)])
        }
        // All of them are files directly in the namespace directory.
        let files = try FileManager.default.contentsOfDirectory(atPath: store.root + "/.oss/live/bucket")
        #expect(files.count == names.count)
    }

    @Test func namesAndNamespacesAreValidated() throws {
        #expect(throws: StorageError.self) { try store.saveRecord(namespace: "live", bucket: "bucket", name: "", bytes: []) }
        #expect(throws: StorageError.self) {
            try store.saveRecord(namespace: "live", bucket: "bucket", name: String(repeating: "n", count: 256), bytes: [])
        }
        try store.saveRecord(namespace: "live", bucket: "bucket", name: String(repeating: "n", count: 255), bytes: [])
        try store.saveRecord(namespace: String(repeating: "n", count: 63), bucket: "bucket", name: "x", bytes: [])
        for namespace in ["tmp", "buckets", "journal", "", "Live", "../x", String(repeating: "n", count: 64)] {
            #expect(throws: StorageError.self) { try store.saveRecord(namespace: namespace, bucket: "bucket", name: "x", bytes: []) }
        }
        #expect(throws: StorageError.noSuchBucket("missing")) { try store.saveRecord(namespace: "live", bucket: "missing", name: "x", bytes: []) }
        #expect(throws: StorageError.noSuchBucket("missing")) { try store.loadRecords(namespace: "live", bucket: "missing") }
    }

    @Test func recordsSurviveRestart() throws {
        try store.saveRecord(namespace: "live", bucket: "bucket", name: "ch", bytes: Array(repeating: 7, count: 1000))
        let reopened = try ObjectStore(root: scratch.data)
        #expect(try reopened.loadRecords(namespace: "live", bucket: "bucket").map(\.bytes) == [Array(repeating: 7, count: 1000)])
    }
}
