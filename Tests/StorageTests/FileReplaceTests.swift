import Foundation
import Testing
@testable import Storage

@Suite struct FileReplaceTests {
    let scratch = ScratchDirectory()

    private func write(_ name: String, _ text: String) -> String {
        let path = scratch.path + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        return path
    }

    private func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func replacingAnExistingFileLeavesTheNewContentAndNoSource() throws {
        let destination = write("playlist.m3u8", "old")
        let source = write("tmp-1", "new content")
        try FileSystem.replace(source, destination)
        #expect(read(destination) == "new content")
        #expect(!FileManager.default.fileExists(atPath: source))
        #expect(try FileSystem.entries(scratch.path).map { String(decoding: $0.name, as: UTF8.self) } == ["playlist.m3u8"])
    }

    @Test func aReaderOfTheOldFileKeepsReadingIt() throws {
        let destination = write("object", "first")
        let descriptor = open(destination, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        try FileSystem.replace(write("tmp-2", "second"), destination)
        let old = try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).readToEnd()
        #expect(old == Data("first".utf8))
        #expect(read(destination) == "second")
    }

    @Test func anAbsentDestinationIsCreated() throws {
        let source = write("tmp-3", "only")
        try FileSystem.replace(source, scratch.path + "/fresh")
        #expect(read(scratch.path + "/fresh") == "only")
        #expect(!FileManager.default.fileExists(atPath: source))
    }

    @Test func anAbsentSourceIsAnErrorAndTheDestinationStays() throws {
        let destination = write("kept", "kept")
        #expect(throws: StorageError.self) { try FileSystem.replace(scratch.path + "/missing", destination) }
        #expect(read(destination) == "kept")
    }

    @Test func aDirectoryIsNotReplacedByAFile() throws {
        let directory = scratch.path + "/directory"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        _ = write("directory/inside", "inside")
        let source = write("tmp-4", "file")
        #expect(throws: StorageError.self) { try FileSystem.replace(source, directory) }
        #expect(read(directory + "/inside") == "inside")
        #expect(read(source) == "file")
    }

    #if os(Linux)
    /// On Linux the replacement swaps names instead of renaming over the old
    /// file, so ext4 does not write the new file out first.
    @Test func linuxSwapsTheNames() {
        #expect(FileSystem.swapsOnReplace)
    }
    #endif
}
