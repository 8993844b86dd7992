import Foundation
import Testing
@testable import Storage

/// Small objects served from memory: never stale, bounded, large ones streamed.
@Suite struct SmallContentTests {
    private func makeStore(_ scratch: ScratchDirectory, limits: StorageLimits = StorageLimits()) throws -> ObjectStore {
        let store = try ObjectStore(root: scratch.data, limits: limits)
        _ = try store.createBucket("bkt", acl: .private)
        return store
    }

    private func bytes(of content: ObjectContent) -> [UInt8]? {
        if case .bytes(let bytes) = content { return bytes }
        return nil
    }

    @Test func rewritesOfTheSameSizeAreNeverServedStale() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        // Same size each time, rewritten faster than file timestamps tick.
        for round in 0..<300 {
            let body = Array(String(format: "version %05d", round).utf8)
            _ = try store.putObject(bucket: "bkt", key: "k", bytes: body, metadata: ObjectMetadata())
            #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "k").content) == body)
            #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "k").content) == body)
        }
        try store.deleteObject(bucket: "bkt", key: "k")
        #expect(throws: StorageError.noSuchKey("k")) { try store.openObjectContent(bucket: "bkt", key: "k") }
        #expect(store.smallContents.totalBytes == 0)
    }

    @Test func anAppendIsSeenAtOnce() throws {
        let scratch = ScratchDirectory()
        let store = try makeStore(scratch)
        _ = try store.appendObject(bucket: "bkt", key: "log", position: 0, source: .bytes(Array("ab".utf8)),
                                   metadata: ObjectMetadata(), maxSize: 1 << 20)
        #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "log").content) == Array("ab".utf8))
        _ = try store.appendObject(bucket: "bkt", key: "log", position: 2, source: .bytes(Array("cd".utf8)),
                                   metadata: ObjectMetadata(), maxSize: 1 << 20)
        #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "log").content) == Array("abcd".utf8))
    }

    @Test func largeObjectsAreStreamedAndTheCacheStaysWithinItsBound() throws {
        let scratch = ScratchDirectory()
        var limits = StorageLimits()
        limits.maxCachedObjectBytes = 1000
        limits.maxCachedTotalBytes = 5000
        let store = try makeStore(scratch, limits: limits)
        let large = [UInt8](repeating: 7, count: 1001)
        _ = try store.putObject(bucket: "bkt", key: "large", bytes: large, metadata: ObjectMetadata())
        let opened = try store.openObjectContent(bucket: "bkt", key: "large")
        guard case .descriptor(let descriptor) = opened.content else {
            Issue.record("a 1001-byte object came as bytes")
            return
        }
        close(descriptor)
        for i in 0..<20 {
            let body = [UInt8](repeating: UInt8(i), count: 900)
            _ = try store.putObject(bucket: "bkt", key: "small-\(i)", bytes: body, metadata: ObjectMetadata())
            #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "small-\(i)").content) == body)
            #expect(store.smallContents.totalBytes <= 5000)
        }
        // The oldest went first; every object still reads right.
        for i in 0..<20 {
            #expect(bytes(of: try store.openObjectContent(bucket: "bkt", key: "small-\(i)").content)
                    == [UInt8](repeating: UInt8(i), count: 900))
        }
    }
}
