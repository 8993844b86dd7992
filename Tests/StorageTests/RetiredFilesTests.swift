import Digest
import Foundation
import Testing
@testable import Storage

/// Rewriting an object writes into the file its previous version left, when
/// nothing reads that version any more; what was opened keeps its bytes.
@Suite struct RetiredFilesTests {
    let scratch = ScratchDirectory()
    let store: ObjectStore

    init() throws {
        store = try ObjectStore(root: scratch.data)
        _ = try store.createBucket("bucket", acl: .private)
    }

    private func inode(_ key: String) -> UInt64? {
        var info = stat()
        guard lstat(scratch.data + "/bucket/" + key, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    private var temporaryFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.root + "/.oss/tmp")) ?? []).sorted()
    }

    private var keptNames: [String] {
        store.retiredFiles.paths.map { String($0.split(separator: "/").last ?? "") }.sorted()
    }

    #if os(Linux)
    @Test func aRewriteTakesTheFileOfAVersionNobodyReads() throws {
        _ = try store.putObject(bucket: "bucket", key: "ch/playlist.m3u8", bytes: bytes("first"), metadata: ObjectMetadata())
        let first = inode("ch/playlist.m3u8")
        _ = try store.putObject(bucket: "bucket", key: "ch/playlist.m3u8", bytes: bytes("second"), metadata: ObjectMetadata())
        // The first version's file waits in the temp directory, and nothing else does.
        #expect(temporaryFiles.count == 1 && temporaryFiles == keptNames)
        _ = try store.putObject(bucket: "bucket", key: "ch/playlist.m3u8", bytes: bytes("third version"), metadata: ObjectMetadata())
        #expect(inode("ch/playlist.m3u8") == first)
        #expect(try store.readObject(bucket: "bucket", key: "ch/playlist.m3u8") == bytes("third version"))
        let info = try store.objectInfo(bucket: "bucket", key: "ch/playlist.m3u8")
        #expect(info.size == 13 && info.etag == Hex.encode(Hash.md5(bytes("third version")), uppercase: true))

        // A segment written piece by piece takes the second version's file.
        let second = store.retiredFiles.paths.first.flatMap { path -> UInt64? in
            var info = stat()
            return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        let segment = try PendingObject(store: store, deferringMD5: true)
        try segment.append(bytes("segment bytes"))
        _ = try segment.commit(bucket: "bucket", key: "ch/1.ts", metadata: ObjectMetadata())
        #expect(second != nil && inode("ch/1.ts") == second)
        #expect(try store.readObject(bucket: "bucket", key: "ch/1.ts") == bytes("segment bytes"))
        #expect(temporaryFiles.isEmpty && keptNames.isEmpty)
    }

    @Test func anOpenVersionKeepsItsBytesThroughLaterRewrites() throws {
        _ = try store.putObject(bucket: "bucket", key: "p", bytes: bytes("version one"), metadata: ObjectMetadata())
        let (descriptor, info) = try store.openObject(bucket: "bucket", key: "p")
        #expect(info.size == 11)
        for round in 2...6 {
            _ = try store.putObject(bucket: "bucket", key: "p", bytes: bytes("version \(round) is longer"), metadata: ObjectMetadata())
        }
        let segment = try PendingObject(store: store)
        try segment.append(bytes("other object"))
        _ = try segment.commit(bucket: "bucket", key: "q", metadata: ObjectMetadata())
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        close(descriptor)
        #expect(Array(buffer[0..<max(count, 0)]) == bytes("version one"))
        #expect(try store.readObject(bucket: "bucket", key: "p") == bytes("version 6 is longer"))
        #expect(try store.readObject(bucket: "bucket", key: "q") == bytes("other object"))
        // The file that was open was unlinked rather than kept: what is left is only what is kept.
        #expect(temporaryFiles == keptNames)
    }

    @Test func anOpenVersionInAnotherProcessIsNotReused() throws {
        _ = try store.putObject(bucket: "bucket", key: "p", bytes: bytes("held elsewhere"), metadata: ObjectMetadata())
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell holds the file open on descriptor 3 until its input closes, then prints it.
        reader.arguments = ["-c", "exec 3<\"$0\"; echo opened; read _; cat <&3", scratch.data + "/bucket/p"]
        let input = Pipe(), output = Pipe()
        reader.standardInput = input
        reader.standardOutput = output
        try reader.run()
        let opened = output.fileHandleForReading.availableData
        #expect(String(decoding: opened, as: UTF8.self) == "opened\n")
        for round in 2...4 {
            _ = try store.putObject(bucket: "bucket", key: "p", bytes: bytes("round \(round)"), metadata: ObjectMetadata())
        }
        try input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(String(decoding: rest, as: UTF8.self) == "held elsewhere")
    }
    #endif

    @Test func atMostCapacityFilesAreKeptAndLargeOnesNever() throws {
        let files = RetiredFiles()
        let directory = scratch.path + "/kept"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var accepted = 0
        for index in 0..<(RetiredFiles.capacity + 3) {
            let path = directory + "/\(index)"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            if files.keep(path, size: 1) { accepted += 1 }
        }
        #expect(accepted == (RetiredFiles.leasesExist ? RetiredFiles.capacity : 0))
        files.removeAll()
        #expect(!files.keep(directory + "/big", size: RetiredFiles.maxFileBytes + 1))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == RetiredFiles.capacity + 3 - accepted)
    }

    @Test func aLargeReplacedVersionIsUnlinkedAtOnce() throws {
        let large = [UInt8](repeating: 7, count: Int(RetiredFiles.maxFileBytes) + 1)
        _ = try store.putObject(bucket: "bucket", key: "big", bytes: large, metadata: ObjectMetadata())
        _ = try store.putObject(bucket: "bucket", key: "big", bytes: bytes("small now"), metadata: ObjectMetadata())
        #expect(temporaryFiles.isEmpty)
        #expect(try store.readObject(bucket: "bucket", key: "big") == bytes("small now"))
    }

    @Test func keptFilesAreGoneAfterARestart() throws {
        for round in 1...3 {
            _ = try store.putObject(bucket: "bucket", key: "p", bytes: bytes("v\(round)"), metadata: ObjectMetadata())
        }
        let reopened = try ObjectStore(root: scratch.data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: reopened.root + "/.oss/tmp").isEmpty)
        #expect(try reopened.readObject(bucket: "bucket", key: "p") == bytes("v3"))
    }
}
