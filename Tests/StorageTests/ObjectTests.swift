import Digest
import Foundation
import Testing
@testable import Storage

@Suite struct ObjectTests {
    let scratch = ScratchDirectory()
    let clock = TestClock()
    let store: ObjectStore

    init() throws {
        store = try ObjectStore(root: scratch.data, clock: clock.function)
        _ = try store.createBucket("bucket", acl: .private)
    }

    @Test func putBytesThenReadBack() throws {
        let metadata = ObjectMetadata(
            contentType: "application/x-mpegURL", userMetadata: ["owner": "me"], cacheControl: "no-cache",
            contentDisposition: "inline", contentEncoding: "identity", expires: "Wed, 21 Oct 2026 07:28:00 GMT",
            attributes: ["duration": "5.005"])
        let info = try store.putObject(bucket: "bucket", key: "ch/playlist.m3u8", bytes: bytes("hello world"), metadata: metadata)
        #expect(info == ObjectInfo(
            key: "ch/playlist.m3u8", size: 11, etag: "5EB63BBBE01EEED093CB22BB8F5ACDC3",
            lastModified: clock.read(), crc64: CRC64.checksum(bytes("hello world")), metadata: metadata,
            contentMD5: Hash.md5(bytes("hello world"))))
        #expect(try store.objectInfo(bucket: "bucket", key: "ch/playlist.m3u8") == info)
        #expect(try store.readObject(bucket: "bucket", key: "ch/playlist.m3u8") == bytes("hello world"))
        #expect(try store.objectCount(bucket: "bucket") == 1)
        // Browsable: the object is a plain file at its key.
        #expect(FileManager.default.contents(atPath: scratch.data + "/bucket/ch/playlist.m3u8") == Data("hello world".utf8))
    }

    @Test func overwriteReplacesContentAndMetadata() throws {
        _ = try store.putObject(bucket: "bucket", key: "k", bytes: [1, 2, 3], metadata: ObjectMetadata(contentType: "a/b"))
        clock.advance(1000)
        let second = try store.putObject(bucket: "bucket", key: "k", bytes: [4], metadata: ObjectMetadata(contentType: "c/d"))
        #expect(try store.objectInfo(bucket: "bucket", key: "k") == second)
        #expect(second.lastModified == clock.read())
        #expect(try store.readObject(bucket: "bucket", key: "k") == [4])
        #expect(try store.objectCount(bucket: "bucket") == 1)
    }

    @Test func putMovingFileComputesMissingDigests() throws {
        let spool = store.makeTempFilePath()
        #expect(FileManager.default.createFile(atPath: spool, contents: Data("123456789".utf8)))
        let info = try store.putObject(bucket: "bucket", key: "moved", movingFile: spool, md5: nil, crc64: nil, metadata: ObjectMetadata())
        #expect(info.crc64 == 0x995D_C9BB_DF19_39FA)  // the CRC-64/XZ check value
        #expect(info.etag == Hex.encode(Hash.md5(bytes("123456789")), uppercase: true))
        #expect(info.size == 9)
        #expect(!FileManager.default.fileExists(atPath: spool))
        #expect(try store.readObject(bucket: "bucket", key: "moved") == bytes("123456789"))
    }

    @Test func putMovingFileTrustsGivenDigests() throws {
        let spool = store.makeTempFilePath()
        #expect(FileManager.default.createFile(atPath: spool, contents: Data([7, 7])))
        let md5: [UInt8] = [0xAB] + Array(repeating: 0x01, count: 15)
        let info = try store.putObject(bucket: "bucket", key: "given", movingFile: spool, md5: md5, crc64: 42, metadata: ObjectMetadata())
        #expect(info.etag == "AB" + String(repeating: "01", count: 15) && info.crc64 == 42)
        // A digest that is not 16 bytes is a caller error, and nothing is stored.
        let other = store.makeTempFilePath()
        #expect(FileManager.default.createFile(atPath: other, contents: Data([1])))
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "short", movingFile: other, md5: [1, 2], crc64: nil, metadata: ObjectMetadata())
        }
        #expect(throws: StorageError.noSuchKey("short")) { try store.objectInfo(bucket: "bucket", key: "short") }
    }

    @Test func putMovingFileFromOutsideTheDataDirectory() throws {
        let outside = scratch.path + "/outside.bin"
        #expect(FileManager.default.createFile(atPath: outside, contents: Data([5, 6, 7])))
        let info = try store.putObject(bucket: "bucket", key: "outside", movingFile: outside, md5: nil, crc64: nil, metadata: ObjectMetadata())
        #expect(info.size == 3)
        #expect(try store.readObject(bucket: "bucket", key: "outside") == [5, 6, 7])
    }

    @Test func failedPutLeavesTheOldObject() throws {
        let old = try store.putObject(bucket: "bucket", key: "keep", bytes: [1], metadata: ObjectMetadata(contentType: "old/type"))
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "keep", movingFile: scratch.path + "/does-not-exist", md5: nil, crc64: nil, metadata: ObjectMetadata())
        }
        #expect(try store.objectInfo(bucket: "bucket", key: "keep") == old)
        #expect(try store.readObject(bucket: "bucket", key: "keep") == [1])
        // A directory is not an acceptable body either.
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "keep", movingFile: scratch.path, md5: nil, crc64: nil, metadata: ObjectMetadata())
        }
        #expect(try store.readObject(bucket: "bucket", key: "keep") == [1])
        // And nothing appears for a new key.
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "new/deep/key", movingFile: scratch.path + "/nothing", md5: nil, crc64: nil, metadata: ObjectMetadata())
        }
        #expect(throws: StorageError.noSuchKey("new/deep/key")) { try store.objectInfo(bucket: "bucket", key: "new/deep/key") }
    }

    @Test func refusesToMoveFilesFromInsideTheDataDirectory() throws {
        _ = try store.putObject(bucket: "bucket", key: "victim", bytes: [1], metadata: ObjectMetadata())
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "thief", movingFile: store.root + "/bucket/victim", md5: nil, crc64: nil, metadata: ObjectMetadata())
        }
        #expect(throws: StorageError.self) {
            try store.putObject(bucket: "bucket", key: "thief", movingFile: store.root + "/.oss/journal/bucket", md5: nil, crc64: nil, metadata: ObjectMetadata())
        }
        #expect(try store.readObject(bucket: "bucket", key: "victim") == [1])
        #expect(throws: StorageError.noSuchKey("thief")) { try store.objectInfo(bucket: "bucket", key: "thief") }
    }

    @Test func symbolicLinksPlantedInABucketAreNotFollowed() throws {
        let outside = scratch.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bucket/evil", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bucket/leaf", withDestinationPath: outside + "/target")
        _ = try store.putObject(bucket: "bucket", key: "evil/pwned", bytes: [1], metadata: ObjectMetadata())
        _ = try store.putObject(bucket: "bucket", key: "leaf", bytes: [2], metadata: ObjectMetadata())
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(try store.readObject(bucket: "bucket", key: "evil/pwned") == [1])
        #expect(try store.readObject(bucket: "bucket", key: "leaf") == [2])
        // After a restart the links are still not objects, the puts still are.
        let reopened = try ObjectStore(root: scratch.data)
        let keys = try reopened.listObjects(bucket: "bucket", prefix: "", after: nil, delimiter: nil, maxKeys: 10).objects.map(\.key)
        #expect(keys == ["evil/pwned", "leaf"])
        #expect(try reopened.readObject(bucket: "bucket", key: "leaf") == [2])
    }

    @Test func openObjectKeepsReadingTheVersionItOpened() throws {
        _ = try store.putObject(bucket: "bucket", key: "v", bytes: bytes("first"), metadata: ObjectMetadata())
        let (descriptor, info) = try store.openObject(bucket: "bucket", key: "v")
        defer { close(descriptor) }
        _ = try store.putObject(bucket: "bucket", key: "v", bytes: bytes("second version"), metadata: ObjectMetadata())
        try store.deleteObject(bucket: "bucket", key: "v")
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let content = try handle.readToEnd() ?? Data()
        #expect(content == Data("first".utf8))
        #expect(info.size == 5)
    }

    @Test func missingThingsAreReported() throws {
        #expect(throws: StorageError.noSuchKey("absent")) { try store.objectInfo(bucket: "bucket", key: "absent") }
        #expect(throws: StorageError.noSuchKey("absent")) { try store.openObject(bucket: "bucket", key: "absent") }
        #expect(throws: StorageError.noSuchKey("absent")) { try store.readObject(bucket: "bucket", key: "absent") }
        #expect(throws: StorageError.noSuchBucket("other")) { try store.objectInfo(bucket: "other", key: "k") }
        #expect(throws: StorageError.noSuchBucket("other")) { try store.putObject(bucket: "other", key: "k", bytes: [], metadata: ObjectMetadata()) }
        #expect(throws: StorageError.noSuchBucket("other")) { try store.deleteObject(bucket: "other", key: "k") }
        #expect(throws: StorageError.noSuchBucket("other")) { try store.listObjects(bucket: "other", prefix: "", after: nil, delimiter: nil, maxKeys: 10) }
        try store.deleteObject(bucket: "bucket", key: "absent")  // no error
    }

    @Test func deleteRemovesFileAndEmptyDirectories() throws {
        _ = try store.putObject(bucket: "bucket", key: "a/b/c/d", bytes: [1], metadata: ObjectMetadata())
        _ = try store.putObject(bucket: "bucket", key: "a/keep", bytes: [1], metadata: ObjectMetadata())
        try store.deleteObject(bucket: "bucket", key: "a/b/c/d")
        #expect(!FileManager.default.fileExists(atPath: scratch.data + "/bucket/a/b"))
        #expect(FileManager.default.fileExists(atPath: scratch.data + "/bucket/a/keep"))
        try store.deleteObject(bucket: "bucket", key: "a/keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.data + "/bucket").isEmpty)
        #expect(try store.objectCount(bucket: "bucket") == 0)
    }

    @Test(arguments: [0, 1024])
    func keyLengthIsLimited(length: Int) throws {
        let key = String(repeating: "k", count: length)
        #expect(throws: StorageError.self) { try store.putObject(bucket: "bucket", key: key, bytes: [], metadata: ObjectMetadata()) }
    }

    @Test func keyOfExactly1023BytesIsAccepted() throws {
        let key = String(repeating: "k", count: 1023)
        _ = try store.putObject(bucket: "bucket", key: key, bytes: [3], metadata: ObjectMetadata())
        #expect(try store.readObject(bucket: "bucket", key: key) == [3])
    }

    @Test func readObjectIsLimited() throws {
        let small = try ObjectStore(root: scratch.path + "/small", limits: StorageLimits(maxReadObjectBytes: 4))
        _ = try small.createBucket("bucket", acl: .private)
        _ = try small.putObject(bucket: "bucket", key: "four", bytes: [1, 2, 3, 4], metadata: ObjectMetadata())
        _ = try small.putObject(bucket: "bucket", key: "five", bytes: [1, 2, 3, 4, 5], metadata: ObjectMetadata())
        #expect(try small.readObject(bucket: "bucket", key: "four") == [1, 2, 3, 4])
        #expect(throws: StorageError.self) { try small.readObject(bucket: "bucket", key: "five") }
        // Large objects are still served through a descriptor.
        let (descriptor, info) = try small.openObject(bucket: "bucket", key: "five")
        close(descriptor)
        #expect(info.size == 5)
    }

    @Test func keyAndPrefixOfTheSameNameCoexistInEitherOrder() throws {
        for (first, second) in [("a", "a/b"), ("x/y", "x")] {
            _ = try store.putObject(bucket: "bucket", key: first, bytes: bytes(first), metadata: ObjectMetadata())
            _ = try store.putObject(bucket: "bucket", key: second, bytes: bytes(second), metadata: ObjectMetadata())
            #expect(try store.readObject(bucket: "bucket", key: first) == bytes(first))
            #expect(try store.readObject(bucket: "bucket", key: second) == bytes(second))
        }
        let listing = try store.listObjects(bucket: "bucket", prefix: "", after: nil, delimiter: nil, maxKeys: 100)
        #expect(listing.objects.map(\.key) == ["a", "a/b", "x", "x/y"])
        let grouped = try store.listObjects(bucket: "bucket", prefix: "", after: nil, delimiter: "/", maxKeys: 100)
        #expect(grouped.objects.map(\.key) == ["a", "x"])
        #expect(grouped.commonPrefixes == ["a/", "x/"])
        // Deleting the prefix side frees the name for a plain file again.
        try store.deleteObject(bucket: "bucket", key: "a/b")
        _ = try store.putObject(bucket: "bucket", key: "a/c", bytes: [9], metadata: ObjectMetadata())
        #expect(try store.readObject(bucket: "bucket", key: "a") == bytes("a"))
        #expect(try store.readObject(bucket: "bucket", key: "a/c") == [9])
    }

    @Test func unicodeKeysInBothNormalFormsAreDistinct() throws {
        _ = try store.putObject(bucket: "bucket", key: "caf\u{E9}", bytes: [1], metadata: ObjectMetadata())
        _ = try store.putObject(bucket: "bucket", key: "cafe\u{301}", bytes: [2], metadata: ObjectMetadata())
        #expect(try store.readObject(bucket: "bucket", key: "caf\u{E9}") == [1])
        #expect(try store.readObject(bucket: "bucket", key: "cafe\u{301}") == [2])
        #expect(try store.objectCount(bucket: "bucket") == 2)
    }

    @Test func listObjectsMapsInfos() throws {
        for key in ["p/1", "p/2", "p/sub/3", "q"] {
            _ = try store.putObject(bucket: "bucket", key: key, bytes: bytes(key), metadata: ObjectMetadata(contentType: "t/\(key.count)"))
        }
        let listing = try store.listObjects(bucket: "bucket", prefix: "p/", after: "p/1", delimiter: "/", maxKeys: 1)
        #expect(listing.objects.map(\.key) == ["p/2"])
        #expect(listing.objects.first == (try store.objectInfo(bucket: "bucket", key: "p/2")))
        #expect(listing.isTruncated && listing.nextMarker == "p/2")
        let rest = try store.listObjects(bucket: "bucket", prefix: "p/", after: listing.nextMarker, delimiter: "/", maxKeys: 10)
        #expect(rest.commonPrefixes == ["p/sub/"] && rest.objects.isEmpty && !rest.isTruncated && rest.nextMarker == nil)
    }

    /// Every generated key is readable, listed once, and lands inside its bucket.
    @Test func generatedKeysRoundTripAndStayInsideTheBucket() throws {
        _ = try store.createBucket("other", acl: .private)
        _ = try store.putObject(bucket: "other", key: "canary", bytes: [0xCA], metadata: ObjectMetadata())
        var rng = SplitMix64(seed: 2024)
        var expectedBytes: [[UInt8]: [UInt8]] = [:]
        for round in 0..<150 {
            let key = Keys.random(&rng)
            let body = bytes("\(round):") + bytes(key)
            _ = try store.putObject(bucket: "bucket", key: key, bytes: body, metadata: ObjectMetadata())
            expectedBytes[bytes(key)] = body
        }
        for (key, body) in expectedBytes {
            #expect(try store.readObject(bucket: "bucket", key: String(decoding: key, as: UTF8.self)) == body)
        }
        let listing = try store.listObjects(bucket: "bucket", prefix: "", after: nil, delimiter: nil, maxKeys: .max)
        #expect(listing.objects.map { bytes($0.key) } == expectedBytes.keys.sorted { $0.lexicographicallyPrecedes($1) })
        // On disk: one file per key, all under <data>/bucket, the other bucket untouched.
        let files = regularFiles(under: scratch.data).filter { !$0.hasPrefix(".oss/") }
        #expect(files.filter { $0.hasPrefix("bucket/") }.count == expectedBytes.count)
        #expect(files.filter { !$0.hasPrefix("bucket/") } == ["other/canary"])
        #expect(try store.readObject(bucket: "other", key: "canary") == [0xCA])
        // Delete everything: the bucket directory ends empty.
        for key in expectedBytes.keys {
            try store.deleteObject(bucket: "bucket", key: String(decoding: key, as: UTF8.self))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.data + "/bucket").isEmpty)
    }

    /// An object's own file cannot be moved in as another object, also by a
    /// path that starts like a temp name and climbs out of `.oss/tmp/`.
    @Test func anObjectsOwnFileIsNotMovedIn() throws {
        _ = try store.putObject(bucket: "bucket", key: "own", bytes: bytes("own bytes"), metadata: ObjectMetadata())
        let climbing = store.makeTempFilePath()
        try FileManager.default.createDirectory(atPath: climbing, withIntermediateDirectories: false)
        for path in [scratch.data + "/bucket/own", climbing + "/../../../bucket/own"] {
            #expect(throws: StorageError.self) {
                try store.putObject(bucket: "bucket", key: "thief", movingFile: path, md5: nil, crc64: nil, metadata: ObjectMetadata())
            }
        }
        #expect(try store.readObject(bucket: "bucket", key: "own") == bytes("own bytes"))
        #expect(throws: StorageError.self) { try store.objectInfo(bucket: "bucket", key: "thief") }
        let spool = store.makeTempFilePath()
        #expect(FileManager.default.createFile(atPath: spool, contents: Data("spooled".utf8)))
        _ = try store.putObject(bucket: "bucket", key: "spooled", movingFile: spool, md5: nil, crc64: nil, metadata: ObjectMetadata())
        #expect(try store.readObject(bucket: "bucket", key: "spooled") == bytes("spooled"))
    }
}
