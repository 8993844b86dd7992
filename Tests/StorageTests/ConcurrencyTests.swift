import Digest
import Foundation
import Locking
import Testing
@testable import Storage

@Suite struct ConcurrencyTests {
    /// Writers overwrite one shared key and add their own while readers open
    /// and list: every read sees a whole version matching the info it came with.
    @Test func concurrentPutsReadsAndListings() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("bucket", acl: .private)
        _ = try store.putObject(bucket: "bucket", key: "shared", bytes: [0], metadata: ObjectMetadata())
        let threads = 8
        let rounds = 40
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            do {
                for round in 0..<rounds {
                    if thread % 2 == 0 {
                        let body = [UInt8](repeating: UInt8(truncatingIfNeeded: thread * 31 + round), count: 4096 + round)
                        _ = try store.putObject(bucket: "bucket", key: "shared", bytes: body, metadata: ObjectMetadata(contentType: "t/\(thread)"))
                        _ = try store.putObject(bucket: "bucket", key: "own/\(thread)/\(round)", bytes: body, metadata: ObjectMetadata())
                    } else {
                        let (descriptor, info) = try store.openObject(bucket: "bucket", key: "shared")
                        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                        let content = Array(try handle.readToEnd() ?? Data())
                        if Hex.encode(Hash.md5(content), uppercase: true) != info.etag || Int64(content.count) != info.size {
                            failures.withLock { $0.append("torn read of shared in round \(round)") }
                        }
                        let listing = try store.listObjects(bucket: "bucket", prefix: "own/", after: nil, delimiter: "/", maxKeys: 1000)
                        if listing.commonPrefixes.count > threads / 2 { failures.withLock { $0.append("too many prefixes") } }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try store.objectCount(bucket: "bucket") == 1 + threads / 2 * rounds)
        let reopened = try ObjectStore(root: scratch.data)
        #expect(try reopened.objectCount(bucket: "bucket") == 1 + threads / 2 * rounds)
        #expect(try reopened.objectInfo(bucket: "bucket", key: "shared") == (try store.objectInfo(bucket: "bucket", key: "shared")))
    }

    /// Deleting a bucket while others write into it: each put either lands
    /// before the delete (which then fails as not empty) or fails with
    /// noSuchBucket; nothing is left behind in a deleted bucket.
    @Test func deleteBucketRacingPuts() throws {
        let scratch = ScratchDirectory()
        let store = try ObjectStore(root: scratch.data)
        let outcomes = Locked<[String]>([])
        for round in 0..<5 {
            _ = try store.createBucket("race", acl: .private)
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                do {
                    if worker == 0 {
                        try store.deleteBucket("race")
                        outcomes.withLock { $0.append("deleted") }
                    } else {
                        _ = try store.putObject(bucket: "race", key: "r\(round)/w\(worker)", bytes: [1], metadata: ObjectMetadata())
                    }
                } catch StorageError.noSuchBucket, StorageError.bucketNotEmpty {
                    // Either order is fine.
                } catch {
                    outcomes.withLock { $0.append("unexpected \(error)") }
                }
            }
            if let count = try? store.objectCount(bucket: "race") {
                // The delete lost: the bucket holds exactly the files on disk.
                #expect(regularFiles(under: store.root + "/race").count == count)
                for key in try store.listObjects(bucket: "race", prefix: "", after: nil, delimiter: nil, maxKeys: 100).objects.map(\.key) {
                    try store.deleteObject(bucket: "race", key: key)
                }
                try store.deleteBucket("race")
            }
            #expect(!FileManager.default.fileExists(atPath: store.root + "/race"))
        }
        #expect(outcomes.withLock { $0 }.allSatisfy { $0 == "deleted" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/.oss/tmp").isEmpty)
    }
}
