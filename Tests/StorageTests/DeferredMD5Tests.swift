import Digest
import Foundation
import Testing
@testable import Storage

/// Objects committed with their MD5 deferred (live segments): every read
/// path that shows an ETag computes it from the bytes, once, and it is the
/// MD5 an eagerly written object of the same bytes has.
@Suite struct DeferredMD5Tests {
    let scratch = ScratchDirectory()
    let store: ObjectStore

    init() throws {
        store = try ObjectStore(root: scratch.data)  // objects up to 64 KiB are served from memory
        _ = try store.createBucket("bkt", acl: .private)
    }

    private func deferred(_ key: String, _ bytes: [UInt8]) throws -> ObjectInfo {
        let file = try PendingObject(store: store, deferringMD5: true)
        // In pieces, as a segment is written.
        for start in stride(from: 0, to: bytes.count, by: 10_000) {
            try file.append(Array(bytes[start..<min(bytes.count, start + 10_000)]))
        }
        return try file.commit(bucket: "bkt", key: key, metadata: ObjectMetadata())
    }

    private func body(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private func etag(_ bytes: [UInt8]) -> String { Hex.encode(Hash.md5(bytes), uppercase: true) }

    private func isIndexPending(_ key: String) -> Bool {
        (try? store.bucketStore("bkt").state.withLock { $0.index[Array(key.utf8)]?.md5.isPending }) ?? nil ?? false
    }

    @Test func theCommitDefersOnlyTheMD5() throws {
        let bytes = body(100_000, seed: 1)
        let committed = try deferred("seg.ts", bytes)
        #expect(committed.etag.isEmpty)
        #expect(committed.contentMD5.isEmpty)
        #expect(committed.crc64 == CRC64.checksum(bytes))
        #expect(committed.size == 100_000)
        #expect(isIndexPending("seg.ts"))
    }

    @Test func headComputesItOnceAndKeepsIt() throws {
        let bytes = body(300_000, seed: 2)
        _ = try deferred("seg.ts", bytes)
        let info = try store.objectInfo(bucket: "bkt", key: "seg.ts")
        #expect(info.etag == etag(bytes))
        #expect(info.contentMD5 == Hash.md5(bytes))
        #expect(!isIndexPending("seg.ts"))
        #expect(try store.objectInfo(bucket: "bkt", key: "seg.ts").etag == etag(bytes))
    }

    @Test func infoWithoutETagLeavesItDeferred() throws {
        _ = try deferred("seg.ts", body(5_000, seed: 3))
        #expect(try store.objectInfo(bucket: "bkt", key: "seg.ts", etag: false).etag.isEmpty)
        #expect(isIndexPending("seg.ts"))
    }

    @Test func readsOfSmallAndLargeObjectsCarryTheETag() throws {
        let small = body(20_000, seed: 4)  // served from memory
        let large = body(200_000, seed: 5)  // served from a descriptor
        _ = try deferred("small.ts", small)
        _ = try deferred("large.ts", large)
        let opened = try store.openObjectContent(bucket: "bkt", key: "small.ts")
        #expect(opened.info.etag == etag(small))
        guard case .bytes(let bytes) = opened.content else { Issue.record("small object not in memory"); return }
        #expect(bytes == small)
        // Cached under the completed version afterwards.
        #expect(try store.openObjectContent(bucket: "bkt", key: "small.ts").info.etag == etag(small))

        let big = try store.openObjectContent(bucket: "bkt", key: "large.ts")
        #expect(big.info.etag == etag(large))
        guard case .descriptor(let descriptor) = big.content else { Issue.record("large object not streamed"); return }
        defer { close(descriptor) }
        // The hash used positional reads: the descriptor still reads from the start.
        var first = [UInt8](repeating: 0, count: 16)
        #expect(read(descriptor, &first, 16) == 16)
        #expect(first == Array(large[0..<16]))

        _ = try deferred("open.ts", large)
        let (plain, info) = try store.openObject(bucket: "bkt", key: "open.ts")
        defer { close(plain) }
        #expect(info.etag == etag(large))
    }

    @Test func listingsComputeThemUnlessAskedNotTo() throws {
        var bodies: [String: [UInt8]] = [:]
        for n in 0..<5 {
            let key = "live/\(n).ts"
            bodies[key] = body(30_000 + n, seed: UInt64(10 + n))
            _ = try deferred(key, bodies[key]!)
        }
        let bare = try store.listObjects(bucket: "bkt", prefix: "live/", after: nil, delimiter: nil, maxKeys: 100, etags: false)
        #expect(bare.objects.allSatisfy { $0.etag.isEmpty })
        #expect(bare.objects.map(\.size) == (0..<5).map { Int64(30_000 + $0) })
        let listed = try store.listObjects(bucket: "bkt", prefix: "live/", after: nil, delimiter: nil, maxKeys: 100)
        #expect(listed.objects.count == 5)
        for object in listed.objects { #expect(object.etag == etag(bodies[object.key]!)) }
        #expect(!isIndexPending("live/3.ts"))
    }

    @Test func aMetadataChangeAnswersWithTheETag() throws {
        let bytes = body(50_000, seed: 20)
        _ = try deferred("seg.ts", bytes)
        let changed = try store.updateMetadata(bucket: "bkt", key: "seg.ts") { $0.storageClass = "IA" }
        #expect(changed.etag == etag(bytes))
        #expect(changed.metadata.storageClass == "IA")
    }

    @Test func aCopyOfADeferredObjectHasTheSameETag() throws {
        let bytes = body(70_000, seed: 21)
        _ = try deferred("seg.ts", bytes)
        let copy = try store.copyObject(fromBucket: "bkt", key: "seg.ts", toBucket: "bkt", key: "copy.ts") { $0.metadata }
        #expect(copy.etag == etag(bytes))
    }

    @Test func itStaysDeferredAcrossARestartAndIsRightAfterIt() throws {
        let bytes = body(40_000, seed: 22)
        _ = try deferred("seg.ts", bytes)
        let restarted = try ObjectStore(root: scratch.data)
        #expect(try restarted.objectInfo(bucket: "bkt", key: "seg.ts").etag == etag(bytes))
    }

    @Test func anOverwriteIsNeverGivenTheOldVersionsMD5() throws {
        let first = body(60_000, seed: 23)
        let second = body(60_000, seed: 24)
        _ = try deferred("seg.ts", first)
        _ = try store.objectInfo(bucket: "bkt", key: "seg.ts")
        _ = try deferred("seg.ts", second)
        #expect(try store.objectInfo(bucket: "bkt", key: "seg.ts").etag == etag(second))
        let listed = try store.listObjects(bucket: "bkt", prefix: "", after: nil, delimiter: nil, maxKeys: 10)
        #expect(listed.objects.map(\.etag) == [etag(second)])
    }
}
