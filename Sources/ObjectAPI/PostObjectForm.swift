#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Digest
import OSSProtocol
import Transport

/// The fields of a PostObject form and its file, spooled to a temp file while
/// MD5 and CRC-64 are computed. Fields after the file part are ignored, as
/// OSS ignores them.
struct PostObjectForm {
    /// A field value longer than this is refused (OSS: 2 MB).
    static let maxFieldValueBytes = 2 * 1024 * 1024
    /// All fields before the file together (OSS: 8 MB).
    static let maxFieldBytesBeforeFile = 8 * 1024 * 1024
    /// Bytes read from a spooled body at a time.
    static let readChunkBytes = 64 * 1024

    /// Lower-cased names; a repeated field keeps its first value.
    var fields: [String: String] = [:]
    /// `x:` fields in form order (PostObject callback variables).
    var customVariables: [(String, String)] = []
    var fileName: String?
    var fileContentType: String?
    var filePath: String?
    var fileSize: Int64 = 0
    var fileMD5: [UInt8] = []
    var fileCRC64: UInt64 = 0

    /// Reads the form from the request body. On error the temp file is removed.
    static func parse(_ body: HTTPRequestBody, boundary: String, tempPath: String) throws -> PostObjectForm {
        var reader = Reader(parser: MultipartFormParser(boundary: boundary), tempPath: tempPath)
        do {
            switch body {
            case .empty:
                break
            case .bytes(let bytes):
                try reader.consume(bytes[...])
            case .file(let path, _):
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw PosixError.last("open request body") }
                defer { _ = close(descriptor) }
                var buffer = [UInt8](repeating: 0, count: readChunkBytes)
                while !reader.done {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw PosixError.last("read request body")
                    }
                    if count == 0 { break }
                    try reader.consume(buffer[0..<count])
                }
            }
            return try reader.finish()
        } catch {
            reader.discard()
            throw error
        }
    }

    private struct Reader {
        var parser: MultipartFormParser
        let tempPath: String
        var form = PostObjectForm()
        var current: MultipartPartHead?
        var value: [UInt8] = []
        var fieldBytes = 0
        var descriptor: Int32 = -1
        var md5 = StreamingHash(.md5)
        var crc = CRC64()
        /// The file part is complete: nothing after it matters.
        var done = false

        init(parser: MultipartFormParser, tempPath: String) {
            self.parser = parser
            self.tempPath = tempPath
        }

        mutating func consume(_ bytes: ArraySlice<UInt8>) throws {
            guard !done else { return }
            let events: [MultipartFormParser.Event]
            do { events = try parser.feed(bytes) } catch { throw OSSError.malformedPOSTRequest(error.reason) }
            for event in events where !done { try handle(event) }
        }

        mutating func handle(_ event: MultipartFormParser.Event) throws {
            switch event {
            case .partBegin(let head):
                current = head
                value = []
                if head.name.lowercased() == "file" {
                    descriptor = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                    guard descriptor >= 0 else { throw PosixError.last("create upload file") }
                    form.filePath = tempPath
                    form.fileName = head.filename ?? ""
                    form.fileContentType = head.contentType
                }
            case .partData(let bytes):
                guard let head = current else { return }
                if descriptor >= 0 {
                    try write(bytes)
                    md5.update(bytes)
                    crc.update(bytes)
                    form.fileSize += Int64(bytes.count)
                    return
                }
                value.append(contentsOf: bytes)
                fieldBytes += bytes.count
                if value.count > PostObjectForm.maxFieldValueBytes {
                    throw OSSError.invalidArgument(
                        "The value of form field \(head.name) is longer than \(PostObjectForm.maxFieldValueBytes) bytes.",
                        name: head.name)
                }
                if fieldBytes > PostObjectForm.maxFieldBytesBeforeFile {
                    throw OSSError.maxPOSTPreDataLengthExceeded(limit: PostObjectForm.maxFieldBytesBeforeFile)
                }
            case .partEnd:
                guard let head = current else { return }
                current = nil
                if descriptor >= 0 {
                    _ = close(descriptor)
                    descriptor = -1
                    form.fileMD5 = md5.finalize()
                    form.fileCRC64 = crc.value
                    done = true
                    return
                }
                let name = head.name.lowercased()
                let text = String(decoding: value, as: UTF8.self)
                if form.fields[name] == nil { form.fields[name] = text }
                if name.hasPrefix("x:") { form.customVariables.append((name, text)) }
            case .end:
                done = true
            }
        }

        private func write(_ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { writeDescriptor(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw PosixError.last("write upload file")
                }
                offset += count
            }
        }

        mutating func finish() throws -> PostObjectForm {
            guard form.filePath != nil, form.fileMD5.count == 16 else {
                let sawFile = form.filePath != nil
                discard()
                if !sawFile {
                    throw OSSError.invalidArgument("There is no file in the POST form (the file field must be the last one).",
                                                   name: "file")
                }
                throw OSSError.malformedPOSTRequest("the body ends inside the file part")
            }
            return form
        }

        mutating func discard() {
            if descriptor >= 0 {
                _ = close(descriptor)
                descriptor = -1
            }
            if form.filePath != nil { unlink(tempPath) }
            form.filePath = nil
        }
    }
}

/// `write(2)`, reachable from a type with a `write` of its own.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
