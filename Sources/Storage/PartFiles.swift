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
    /// Copies `length` bytes from `offset` of an open file to a new file.
    static func copyRange(_ input: Int32, offset: Int64, length: Int64, to destination: String) throws -> FileContent.Digests {
        let writer = try HashingWriter(creating: destination)
        try writer.copy(from: input, name: destination, offset: offset, length: length)
        return writer.finish()
    }

    /// Writes `files` one after another into a new file; returns its MD5.
    static func concatenate(_ files: [String], to destination: String) throws -> [UInt8] {
        let writer = try HashingWriter(creating: destination)
        for file in files { try writer.copy(file: file) }
        return writer.finish().md5
    }
}
