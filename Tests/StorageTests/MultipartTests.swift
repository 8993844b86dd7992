import Digest
import Foundation
import Testing
@testable import Storage

@Suite struct MultipartTests {
    static func bytes(_ count: Int, _ seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7) &+ seed }
    }

    static func makeStore(_ scratch: ScratchDirectory, clock: TestClock = TestClock()) throws -> ObjectStore {
        let store = try ObjectStore(root: scratch.data, clock: clock.function)
        _ = try store.createBucket("mpu", acl: .private)
        return store
    }

    @Test func uploadListAndCompleteMakesAMultipartObject() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let metadata = ObjectMetadata(contentType: "text/plain", userMetadata: ["a": "1"])
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "dir/obj", metadata: metadata)
        #expect(MultipartFiles.isValidUploadId(upload.uploadId))
        let one = Self.bytes(150_000, 1)
        let two = Self.bytes(33, 2)
        let partTwo = try store.uploadPart(bucket: "mpu", key: "dir/obj", uploadId: upload.uploadId, partNumber: 2, bytes: two)
        let partOne = try store.uploadPart(bucket: "mpu", key: "dir/obj", uploadId: upload.uploadId, partNumber: 1, bytes: one)
        #expect(partOne.etag == Hex.encode(Hash.md5(one), uppercase: true))
        #expect(partTwo.crc64 == CRC64.checksum(two))
        let (_, parts) = try store.listParts(bucket: "mpu", key: "dir/obj", uploadId: upload.uploadId)
        #expect(parts.map(\.partNumber) == [1, 2])
        #expect(parts.map(\.size) == [150_000, 33])

        let info = try store.completeMultipartUpload(bucket: "mpu", key: "dir/obj", uploadId: upload.uploadId, choose: { $0 })
        #expect(info.objectType == .multipart)
        #expect(info.etag == Hex.encode(Hash.md5(partOne.md5 + partTwo.md5), uppercase: true) + "-2")
        #expect(info.crc64 == CRC64.checksum(one + two))
        #expect(info.metadata.userMetadata == ["a": "1"])
        #expect(try store.readObject(bucket: "mpu", key: "dir/obj") == one + two)
        #expect(throws: MultipartError.noSuchUpload(upload.uploadId)) {
            try store.listParts(bucket: "mpu", key: "dir/obj", uploadId: upload.uploadId)
        }
        #expect(try store.listMultipartUploads(bucket: "mpu").isEmpty)
    }

    @Test func sequentialUploadsTakePartsInOrderOnly() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        var metadata = ObjectMetadata()
        metadata.attributes[ObjectMetadata.Attribute.sequential] = "1"
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: metadata)
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, bytes: [1])
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 3, bytes: [3])
        #expect(throws: MultipartError.partNotSequential(partNumber: 2, highest: 3)) {
            try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 2, bytes: [2])
        }
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 3, bytes: [4])
        let (_, parts) = try store.listParts(bucket: "mpu", key: "k", uploadId: upload.uploadId)
        #expect(parts.map(\.partNumber) == [1, 3])
        let info = try store.completeMultipartUpload(bucket: "mpu", key: "k", uploadId: upload.uploadId, choose: { $0 })
        #expect(info.metadata.announcesContentMD5 && info.contentMD5 == Hash.md5([1, 4]))
    }

    @Test func reuploadingAPartNumberReplacesIt() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, bytes: [1, 2, 3])
        let second = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, bytes: [4, 5])
        let (_, parts) = try store.listParts(bucket: "mpu", key: "k", uploadId: upload.uploadId)
        #expect(parts == [second])
        let folder = scratch.data + "/.oss/multipart/mpu/" + upload.uploadId
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2)  // the record and one part
    }

    @Test func unknownOrForeignUploadIdsAreNoSuchUpload() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        for id in ["", "../../buckets/mp", "0123456789ABCDEF0123456789ABCDEF", upload.uploadId.lowercased()] {
            #expect(throws: MultipartError.noSuchUpload(id)) {
                try store.uploadPart(bucket: "mpu", key: "k", uploadId: id, partNumber: 1, bytes: [1])
            }
        }
        #expect(throws: MultipartError.noSuchUpload(upload.uploadId)) {
            try store.listParts(bucket: "mpu", key: "other", uploadId: upload.uploadId)
        }
    }

    @Test func abortRemovesTheUploadAndItsParts() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, bytes: [1])
        #expect(store.hasMultipartUploads(bucket: "mpu"))
        try store.abortMultipartUpload(bucket: "mpu", key: "k", uploadId: upload.uploadId)
        #expect(!store.hasMultipartUploads(bucket: "mpu"))
        #expect(!FileManager.default.fileExists(atPath: scratch.data + "/.oss/multipart/mpu/" + upload.uploadId))
        #expect(throws: MultipartError.noSuchUpload(upload.uploadId)) {
            try store.abortMultipartUpload(bucket: "mpu", key: "k", uploadId: upload.uploadId)
        }
    }

    @Test func uploadsAreListedByKeyThenInitiation() throws {
        let scratch = ScratchDirectory()
        let clock = TestClock()
        let store = try Self.makeStore(scratch, clock: clock)
        var ids: [String: [String]] = [:]
        for key in ["b", "a", "b", "a"] {
            ids[key, default: []].append(try store.initiateMultipartUpload(bucket: "mpu", key: key, metadata: ObjectMetadata()).uploadId)
            clock.advance(1)
        }
        let listed = try store.listMultipartUploads(bucket: "mpu")
        #expect(listed.map(\.key) == ["a", "a", "b", "b"])
        #expect(listed.map(\.uploadId) == ids["a"]! + ids["b"]!)
    }

    @Test func uploadsAndPartsSurviveARestart() throws {
        let scratch = ScratchDirectory()
        let metadata = ObjectMetadata(contentType: "video/mp2t", userMetadata: ["x": "y"], attributes: ["oss.acl": "public-read"])
        let uploadId: String
        do {
            let store = try Self.makeStore(scratch)
            uploadId = try store.initiateMultipartUpload(bucket: "mpu", key: "live/seg", metadata: metadata).uploadId
            _ = try store.uploadPart(bucket: "mpu", key: "live/seg", uploadId: uploadId, partNumber: 1, bytes: Self.bytes(102_400, 9))
        }
        let store = try ObjectStore(root: scratch.data)
        let listed = try store.listMultipartUploads(bucket: "mpu")
        #expect(listed.map(\.uploadId) == [uploadId])
        #expect(listed.first?.metadata == metadata)
        _ = try store.uploadPart(bucket: "mpu", key: "live/seg", uploadId: uploadId, partNumber: 2, bytes: [7])
        let info = try store.completeMultipartUpload(bucket: "mpu", key: "live/seg", uploadId: uploadId, choose: { $0 })
        #expect(info.size == 102_401)
        #expect(info.metadata.objectACL == "public-read")
    }

    @Test func partCopyTakesAByteRangeOfAnObject() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let content = Self.bytes(1000, 3)
        _ = try store.putObject(bucket: "mpu", key: "src", bytes: content, metadata: ObjectMetadata())
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "dst", metadata: ObjectMetadata())
        let (part, source) = try store.uploadPartCopy(
            bucket: "mpu", key: "dst", uploadId: upload.uploadId, partNumber: 1, sourceBucket: "mpu", sourceKey: "src"
        ) { _ in (100, 50) }
        #expect(source.size == 1000)
        #expect(part.size == 50 && part.md5 == Hash.md5(content[100..<150]))
    }

    @Test func concurrentPartUploadsAllLand() async throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...40 {
                group.addTask {
                    // Every number twice: the later upload of each must win alone.
                    _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: number, bytes: [UInt8(number)])
                    _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: number, bytes: [UInt8(number), 0])
                }
            }
            try await group.waitForAll()
        }
        let (_, parts) = try store.listParts(bucket: "mpu", key: "k", uploadId: upload.uploadId)
        #expect(parts.map(\.partNumber) == Array(1...40))
        #expect(parts.allSatisfy { $0.size == 2 })
    }

    @Test func aFailedChoiceLeavesTheUploadInPlace() throws {
        struct Refused: Error {}
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        _ = try store.uploadPart(bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, bytes: [1])
        #expect(throws: Refused.self) {
            try store.completeMultipartUpload(bucket: "mpu", key: "k", uploadId: upload.uploadId, choose: { _ in throw Refused() })
        }
        #expect(try store.listParts(bucket: "mpu", key: "k", uploadId: upload.uploadId).parts.count == 1)
        #expect(throws: StorageError.noSuchKey("k")) { try store.objectInfo(bucket: "mpu", key: "k") }
    }

    @Test func deletingTheBucketRemovesUploadState() throws {
        let scratch = ScratchDirectory()
        let store = try Self.makeStore(scratch)
        _ = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        try store.deleteBucket("mpu")
        #expect(!FileManager.default.fileExists(atPath: scratch.data + "/.oss/multipart/mpu"))
        _ = try store.createBucket("mpu", acl: .private)
        #expect(try store.listMultipartUploads(bucket: "mpu").isEmpty)
    }

    @Test func partFileNamesRoundTrip() {
        let name = MultipartFiles.PartName(
            partNumber: 10_000, sequence: MultipartFiles.sequence(milliseconds: 1_700_000_000_000, counter: 7),
            lastModified: 1_700_000_000_000, md5: Array(0..<16), crc64: .max)
        #expect(MultipartFiles.parsePartFileName(MultipartFiles.partFileName(name)) == name)
        #expect(MultipartFiles.parsePartFileName("upload") == nil)
    }
}

@Suite struct MultipartFileAdoptionTests {
    @Test func aPartFromOutsideTheStoreIsMovedIn() throws {
        let scratch = ScratchDirectory()
        let store = try MultipartTests.makeStore(scratch)
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        let outside = scratch.path + "/spooled"
        _ = FileManager.default.createFile(atPath: outside, contents: Data([1, 2, 3]))
        let part = try store.uploadPart(
            bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, movingFile: outside, md5: nil, crc64: nil)
        #expect(part.size == 3 && part.md5 == Hash.md5([1, 2, 3]))
        #expect(!FileManager.default.fileExists(atPath: outside))
    }

    @Test func anObjectFileIsNeverTakenAsAPart() throws {
        let scratch = ScratchDirectory()
        let store = try MultipartTests.makeStore(scratch)
        _ = try store.putObject(bucket: "mpu", key: "obj", bytes: [9], metadata: ObjectMetadata())
        let upload = try store.initiateMultipartUpload(bucket: "mpu", key: "k", metadata: ObjectMetadata())
        #expect(throws: StorageError.self) {
            try store.uploadPart(
                bucket: "mpu", key: "k", uploadId: upload.uploadId, partNumber: 1, movingFile: scratch.data + "/mpu/obj",
                md5: nil, crc64: nil)
        }
        #expect(try store.readObject(bucket: "mpu", key: "obj") == [9])
    }
}
