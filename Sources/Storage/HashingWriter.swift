import Digest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A new file written in bounded chunks while its MD5 and CRC-64 are
/// computed: the one copy loop behind CopyObject, UploadPartCopy, completing
/// a multipart upload, appends and files moved in from another file system.
final class HashingWriter {
    let path: String
    private let output: Int32
    /// nil when the MD5 is deferred (`init(creating:md5:)`).
    private let md5: StreamingHash?
    private var crc = CRC64()
    private var size: Int64 = 0
    private var buffer: [UInt8] = []

    /// Creates `path`, which must not exist yet. With `md5: false` only the
    /// CRC-64 is computed and `finish` reports `MD5Value.pending`.
    convenience init(creating path: String, md5: Bool = true) throws {
        self.init(file: (path, try FileSystem.openFile(path, O_WRONLY | O_CREAT | O_EXCL)), md5: md5)
    }

    /// Writes into an empty file already open (`ObjectStore.makeTempFile`),
    /// closing it when done.
    init(file: (path: String, descriptor: Int32), md5: Bool = true) {
        self.path = file.path
        self.md5 = md5 ? StreamingHash(.md5) : nil
        output = file.descriptor
    }

    deinit { FileSystem.closeDescriptor(output) }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        md5?.update(chunk)
        crc.update(chunk)
        try FileSystem.writeAll(output, chunk, path: path)
        size += Int64(chunk.count)
    }

    /// Copies `length` bytes from `offset` of an open file (positional reads:
    /// the descriptor may be shared), or, when `length` is nil, everything
    /// from `offset` to the end. A file shorter than `length` is an error.
    func copy(from input: Int32, name: String, offset: Int64 = 0, length: Int64? = nil) throws {
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: FileContent.chunkSize) }
        var done: Int64 = 0
        while length.map({ done < $0 }) ?? true {
            let want = Int(min(Int64(buffer.count), (length ?? Int64.max) - done))
            let count = try buffer.withUnsafeMutableBytes { raw in
                try FileSystem.readSome(input, UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]), at: offset + done, path: name)
            }
            if count == 0 {
                guard length == nil else { throw StorageError.io("copy \(name): the file ended early") }
                return
            }
            try buffer.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            done += Int64(count)
        }
    }

    /// Copies a whole file.
    func copy(file: String) throws {
        let input = try FileSystem.openFile(file, O_RDONLY | O_NOFOLLOW)
        defer { FileSystem.closeDescriptor(input) }
        try copy(from: input, name: file)
    }

    /// The digests of everything written.
    func finish() -> FileContent.Digests {
        FileContent.Digests(md5: md5?.finalize() ?? MD5Value.pending.bytes, crc64: crc.value, size: size)
    }
}
