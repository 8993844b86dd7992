import Digest
import Foundation
import Synchronization
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
        let failures = Mutex<[String]>([])
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
}
