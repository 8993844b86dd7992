import Foundation
import Testing
@testable import Storage

@Suite struct CopyAndRestoreTests {
    let scratch = ScratchDirectory()

    func temporaryFiles(_ store: ObjectStore) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: store.layout.temporary)) ?? []
    }

    @Test func copyStreamsBytesAndTakesTheMetadataTheCallerBuilds() throws {
        let clock = TestClock()
        let store = try ObjectStore(root: scratch.data, clock: clock.function)
        _ = try store.createBucket("src", acl: .private)
        _ = try store.createBucket("dst", acl: .private)
        let content = (0..<(FileContent.chunkSize * 2 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var metadata = ObjectMetadata(contentType: "text/plain")
        metadata.userMetadata = ["a": "1"]
        let source = try store.putObject(bucket: "src", key: "big", bytes: content, metadata: metadata)
        clock.advance(5_000)
        var seen: ObjectInfo?
        let copied = try store.copyObject(fromBucket: "src", key: "big", toBucket: "dst", key: "copy/of big") { info in
            seen = info
            var target = info.metadata
            target.userMetadata["b"] = "2"
            return target
        }
        #expect(seen == source)
        #expect(copied.etag == source.etag)
        #expect(copied.crc64 == source.crc64)
        #expect(copied.lastModified == source.lastModified + 5_000)
        #expect(copied.metadata.userMetadata == ["a": "1", "b": "2"])
        #expect(try store.readObject(bucket: "dst", key: "copy/of big") == content)
        #expect(try store.readObject(bucket: "src", key: "big") == content)
        #expect(temporaryFiles(store).isEmpty)
    }

    @Test func aRefusalCopiesNothingAndLeavesNoTempFile() throws {
        struct Refused: Error {}
        let store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("bkt", acl: .private)
        _ = try store.putObject(bucket: "bkt", key: "a", bytes: [1, 2, 3], metadata: ObjectMetadata(contentType: "x/y"))
        _ = try store.putObject(bucket: "bkt", key: "taken", bytes: [9], metadata: ObjectMetadata(contentType: "x/y"))
        #expect(throws: Refused.self) {
            try store.copyObject(fromBucket: "bkt", key: "a", toBucket: "bkt", key: "c") { _ in throw Refused() }
        }
        #expect(throws: Refused.self) {
            try store.copyObject(fromBucket: "bkt", key: "a", toBucket: "bkt", key: "taken", check: { if $0 != nil { throw Refused() } }) { $0.metadata }
        }
        #expect(throws: StorageError.noSuchKey("absent")) {
            try store.copyObject(fromBucket: "bkt", key: "absent", toBucket: "bkt", key: "c") { $0.metadata }
        }
        #expect(throws: StorageError.noSuchBucket("nowhere")) {
            try store.copyObject(fromBucket: "bkt", key: "a", toBucket: "nowhere", key: "c") { $0.metadata }
        }
        #expect(throws: StorageError.noSuchKey("c")) { try store.objectInfo(bucket: "bkt", key: "c") }
        #expect(try store.readObject(bucket: "bkt", key: "taken") == [9])
        #expect(temporaryFiles(store).isEmpty)
    }

    @Test func restoreStatePhasesAndEncoding() {
        let state = RestoreState(readyAt: 100, expiresAt: 200, tier: "Bulk")
        #expect(state.phase(at: 99) == .ongoing)
        #expect(state.phase(at: 100) == .restored(expiresAt: 200))
        #expect(state.phase(at: 200) == .expired)
        #expect(RestoreState(encoded: state.encoded) == state)
        #expect(RestoreState(encoded: "ready=1;expiry=2;later=x") == RestoreState(readyAt: 1, expiresAt: 2))
        #expect(RestoreState(encoded: "ready=1") == nil)
        #expect(RestoreState(encoded: "garbage") == nil)
        var metadata = ObjectMetadata(contentType: "x/y")
        metadata.restore = state
        #expect(metadata.attributes[ObjectMetadata.Attribute.restore] == "ready=100;expiry=200;tier=Bulk")
        metadata.restore = nil
        #expect(metadata.attributes.isEmpty)
    }

    @Test func restoreStateAndTagsSurviveARestartWithoutTouchingLastModified() throws {
        let clock = TestClock()
        let written: ObjectInfo
        do {
            let store = try ObjectStore(root: scratch.data, clock: clock.function)
            _ = try store.createBucket("bkt", acl: .private)
            var metadata = ObjectMetadata(contentType: "x/y")
            metadata.storageClass = "ColdArchive"
            written = try store.putObject(bucket: "bkt", key: "cold", bytes: [1], metadata: metadata)
            clock.advance(60_000)
            try store.updateMetadata(bucket: "bkt", key: "cold", touch: false) {
                $0.restore = RestoreState(readyAt: 5, expiresAt: 6, tier: "Standard")
                $0.taggingQuery = "k=v"
            }
        }
        let reopened = try ObjectStore(root: scratch.data, clock: clock.function)
        let info = try reopened.objectInfo(bucket: "bkt", key: "cold")
        #expect(info.metadata.restore == RestoreState(readyAt: 5, expiresAt: 6, tier: "Standard"))
        #expect(info.metadata.taggingQuery == "k=v")
        #expect(info.storageClass == "ColdArchive")
        #expect(info.lastModified == written.lastModified)
    }
}
