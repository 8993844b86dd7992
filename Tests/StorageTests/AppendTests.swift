import Digest
import Foundation
import Locking
import Testing
@testable import Storage

@Suite struct AppendTests {
    private func makeStore(_ scratch: ScratchDirectory) throws -> ObjectStore {
        let store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("bkt", acl: .private)
        return store
    }

    @Test func appendsBuildTheObjectAndCarryItsDigests() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        let first = try store.appendObject(
            bucket: "bkt", key: "log", position: 0, source: .bytes(Array("hello ".utf8)),
            metadata: ObjectMetadata(contentType: "text/plain"), maxSize: 1 << 20)
        #expect(first.size == 6)
        #expect(first.objectType == .appendable)
        #expect(first.crc64 == CRC64.checksum(Array("hello ".utf8)))
        // A later append keeps the metadata of the first one.
        let second = try store.appendObject(
            bucket: "bkt", key: "log", position: 6, source: .bytes(Array("world".utf8)),
            metadata: ObjectMetadata(contentType: "image/png"), maxSize: 1 << 20)
        let whole = Array("hello world".utf8)
        #expect(second.size == 11)
        #expect(second.crc64 == CRC64.checksum(whole))
        #expect(second.metadata.contentType == "text/plain")
        #expect(try store.readObject(bucket: "bkt", key: "log") == whole)
        // OSS-shaped ETag: 24 hex digits of the content MD5, then eight zeros; changes per append.
        #expect(second.etag == Hex.encode(Array(Hash.md5(whole).prefix(12)), uppercase: true) + "00000000")
        #expect(second.etag != first.etag)
    }

    @Test func appendFromASpooledFile() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        _ = try store.appendObject(bucket: "bkt", key: "k", position: 0, source: .bytes([1, 2, 3]), metadata: ObjectMetadata(), maxSize: 1 << 30)
        let spooled = store.makeTempFilePath()
        try Data(body).write(to: URL(fileURLWithPath: spooled))
        let info = try store.appendObject(bucket: "bkt", key: "k", position: 3, source: .file(path: spooled), metadata: ObjectMetadata(), maxSize: 1 << 30)
        #expect(info.size == 300_003)
        #expect(try store.readObject(bucket: "bkt", key: "k") == [1, 2, 3] + body)
        #expect(info.crc64 == CRC64.checksum([1, 2, 3] + body))
    }

    @Test func refusals() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        #expect(throws: AppendRefusal.positionNotEqualToLength(current: 0)) {
            try store.appendObject(bucket: "bkt", key: "new", position: 5, source: .bytes([1]), metadata: ObjectMetadata(), maxSize: 100)
        }
        _ = try store.appendObject(bucket: "bkt", key: "a", position: 0, source: .bytes([1, 2]), metadata: ObjectMetadata(), maxSize: 100)
        #expect(throws: AppendRefusal.positionNotEqualToLength(current: 2)) {
            try store.appendObject(bucket: "bkt", key: "a", position: 0, source: .bytes([1]), metadata: ObjectMetadata(), maxSize: 100)
        }
        _ = try store.putObject(bucket: "bkt", key: "normal", bytes: [1, 2], metadata: ObjectMetadata())
        #expect(throws: AppendRefusal.notAppendable) {
            try store.appendObject(bucket: "bkt", key: "normal", position: 2, source: .bytes([1]), metadata: ObjectMetadata(), maxSize: 100)
        }
        // The limit counts the whole object, not the one request.
        #expect(throws: AppendRefusal.tooLarge(limit: 3)) {
            try store.appendObject(bucket: "bkt", key: "a", position: 2, source: .bytes([3, 4]), metadata: ObjectMetadata(), maxSize: 3)
        }
        let exact = try store.appendObject(bucket: "bkt", key: "a", position: 2, source: .bytes([3]), metadata: ObjectMetadata(), maxSize: 3)
        #expect(exact.size == 3)
        // Refused appends left nothing behind in the temp directory.
        #expect(try leftoverTemporaryFiles(store).isEmpty)
    }

    @Test func anEmptyAppendableObjectRestartsAtZero() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        _ = try store.appendObject(bucket: "bkt", key: "e", position: 0, source: .bytes([]), metadata: ObjectMetadata(), maxSize: 100)
        let again = try store.appendObject(bucket: "bkt", key: "e", position: 0, source: .bytes([9]), metadata: ObjectMetadata(), maxSize: 100)
        #expect(again.size == 1)
    }

    /// Many writers append at the same position at once: exactly one wins
    /// each round, and the object is the winners' bytes in order.
    @Test func concurrentAppendsAtOnePositionHaveOneWinner() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        let writers = 6
        let rounds = 12
        let wins = Locked<[Int: [Int]]>([:])
        let unexpected = Locked<[String]>([])
        for round in 0..<rounds {
            let position = Int64(round * 4)
            DispatchQueue.concurrentPerform(iterations: writers) { writer in
                let chunk = [UInt8](repeating: UInt8(writer), count: 4)
                do {
                    _ = try store.appendObject(
                        bucket: "bkt", key: "race", position: position, source: .bytes(chunk), metadata: ObjectMetadata(), maxSize: 1 << 20)
                    wins.withLock { $0[round, default: []].append(writer) }
                } catch AppendRefusal.positionNotEqualToLength(let current) where current == position + 4 {
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(unexpected.withLock { $0 }.isEmpty)
        let winners = wins.withLock { $0 }
        #expect((0..<rounds).allSatisfy { winners[$0]?.count == 1 }, "\(winners)")
        let expected = (0..<rounds).flatMap { [UInt8](repeating: UInt8(winners[$0]?.first ?? 99), count: 4) }
        #expect(try store.readObject(bucket: "bkt", key: "race") == expected)
    }

    @Test func appendedObjectsSurviveARestart() throws {
        let scratch = ScratchDirectory()
        do {
            let store = try makeStore(scratch)
            _ = try store.appendObject(bucket: "bkt", key: "k", position: 0, source: .bytes([1]), metadata: ObjectMetadata(), maxSize: 100)
            _ = try store.appendObject(bucket: "bkt", key: "k", position: 1, source: .bytes([2]), metadata: ObjectMetadata(), maxSize: 100)
        }
        let reopened = try ObjectStore(root: scratch.data)
        let info = try reopened.objectInfo(bucket: "bkt", key: "k")
        #expect(info.objectType == .appendable)
        #expect(info.size == 2)
        #expect(info.etag.hasSuffix("00000000"))
        let next = try reopened.appendObject(bucket: "bkt", key: "k", position: 2, source: .bytes([3]), metadata: ObjectMetadata(), maxSize: 100)
        #expect(next.size == 3)
    }
}
