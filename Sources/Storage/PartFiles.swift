import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming copies for multipart uploads: a byte range of an object into a
/// part (UploadPartCopy), and parts one after another into the object.
enum PartFiles {
    static let chunkSize = 1 << 20

    /// Copies `length` bytes from `offset` of an open file to a new file.
    static func copyRange(_ input: Int32, offset: Int64, length: Int64, to destination: String) throws -> FileContent.Digests {
        let output = try FileSystem.openFile(destination, O_WRONLY | O_CREAT | O_EXCL)
        defer { FileSystem.closeDescriptor(output) }
        let md5 = StreamingHash(.md5)
        var crc = CRC64()
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), max(length, 1))))
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(buffer.count), length - done))
            let count = try buffer.withUnsafeMutableBytes { raw -> Int in
                while true {
                    let n = pread(input, raw.baseAddress, want, off_t(offset + done))
                    if n >= 0 { return n }
                    if errno != EINTR { throw FileSystem.failure("pread", destination) }
                }
            }
            guard count > 0 else { throw StorageError.io("copy \(destination): the source ended early") }
            try buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                md5.update(chunk)
                crc.update(chunk)
                try FileSystem.writeAll(output, chunk, path: destination)
            }
            done += Int64(count)
        }
        return FileContent.Digests(md5: md5.finalize(), crc64: crc.value, size: length)
    }

    /// Writes `files` one after another into a new file; returns its MD5.
    static func concatenate(_ files: [String], to destination: String) throws -> [UInt8] {
        let output = try FileSystem.openFile(destination, O_WRONLY | O_CREAT | O_EXCL)
        defer { FileSystem.closeDescriptor(output) }
        let md5 = StreamingHash(.md5)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        for file in files {
            let input = try FileSystem.openFile(file, O_RDONLY | O_NOFOLLOW)
            defer { FileSystem.closeDescriptor(input) }
            while true {
                let count = try buffer.withUnsafeMutableBytes { try FileSystem.readSome(input, $0, path: file) }
                if count == 0 { break }
                try buffer.withUnsafeBytes { raw in
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                    md5.update(chunk)
                    try FileSystem.writeAll(output, chunk, path: destination)
                }
            }
        }
        return md5.finalize()
    }
}
