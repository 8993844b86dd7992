import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file operations built on `FileSystem`: digests, copies, atomic writes.
enum FileContent {
    struct Digests: Equatable {
        var md5: [UInt8]
        var crc64: UInt64
        var size: Int64
    }

    static let chunkSize = 256 << 10

    /// MD5 and CRC-64 of a file in one pass.
    static func digests(ofFile path: String) throws -> Digests {
        let fd = try FileSystem.openFile(path, O_RDONLY | O_NOFOLLOW)
        defer { FileSystem.closeDescriptor(fd) }
        return try consume(fd, path: path) { _ in }
    }

    /// Copies `source` to a new file `destination`, returning the digests of what was copied.
    static func copy(_ source: String, to destination: String) throws -> Digests {
        let writer = try HashingWriter(creating: destination)
        try writer.copy(file: source)
        return writer.finish()
    }

    private static func consume(_ fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Digests {
        let md5 = StreamingHash(.md5)
        var crc = CRC64()
        var size: Int64 = 0
        // Most files hashed at start-up are small; do not clear 256 KiB for each.
        var info = stat()
        let expected = fstat(fd, &info) == 0 ? Int(truncatingIfNeeded: info.st_size) : chunkSize
        var buffer = [UInt8](repeating: 0, count: min(chunkSize, max(4096, expected + 1)))
        while true {
            let count = try buffer.withUnsafeMutableBytes { try FileSystem.readSome(fd, $0, path: path) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                md5.update(chunk)
                crc.update(chunk)
                try body(chunk)
            }
            size += Int64(count)
        }
        return Digests(md5: md5.finalize(), crc64: crc.value, size: size)
    }

    /// Writes a new file (it must not exist), optionally flushing it to disk.
    static func create(_ path: String, bytes: [UInt8], fsync: Bool) throws {
        let fd = try FileSystem.openFile(path, O_WRONLY | O_CREAT | O_EXCL)
        defer { FileSystem.closeDescriptor(fd) }
        try FileSystem.writeAll(fd, bytes, path: path)
        if fsync { try FileSystem.sync(fd, path: path) }
    }

    /// Replaces `path` with `bytes` all at once: a reader sees the old or the new content.
    static func replace(_ path: String, bytes: [UInt8], temporaryPath: String, fsync: Bool) throws {
        do {
            try create(temporaryPath, bytes: bytes, fsync: fsync)
            try FileSystem.replace(temporaryPath, path, fsync: fsync)
        } catch {
            _ = unlink(temporaryPath)
            throw error
        }
        if fsync { try FileSystem.syncPath(parent(of: path), directory: true) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
