import Digest
import Foundation
import OSSProtocol
import Testing
import Transport
@testable import ObjectAPI

/// The form reader streams a spooled body through the parser in fixed reads:
/// the file part lands in its own temp file with its digests, whatever the
/// read boundaries, and fields after it are ignored.
@Suite struct PostObjectFormTests {
    static let boundary = "xYzZY"

    static func body(file: [UInt8], fields: [(String, String)] = [("key", "k"), ("x:who", "bob")], after: String = "") -> [UInt8] {
        var text = ""
        for (name, value) in fields {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\a.txt\"\r\n"
        text += "Content-Type: text/plain\r\n\r\n"
        var bytes = Array(text.utf8) + file
        bytes += Array("\r\n--\(boundary)\r\n".utf8)
        bytes += Array("Content-Disposition: form-data; name=\"late\"\r\n\r\nignored\r\n--\(boundary)--\r\n\(after)".utf8)
        return bytes
    }

    static func temp() -> String { NSTemporaryDirectory() + "post-form-\(UUID().uuidString)" }

    @Test(arguments: [0, 1, PostObjectForm.readChunkBytes - 40, PostObjectForm.readChunkBytes * 2 + 7])
    func spooledBodyGivesFieldsAndFile(fileSize: Int) throws {
        let file = (0..<fileSize).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bodyPath = Self.temp()
        let body = Self.body(file: file)
        _ = FileManager.default.createFile(atPath: bodyPath, contents: Data(body))
        defer { try? FileManager.default.removeItem(atPath: bodyPath) }
        let filePath = Self.temp()
        defer { try? FileManager.default.removeItem(atPath: filePath) }
        let form = try PostObjectForm.parse(.file(path: bodyPath, length: Int64(body.count)), boundary: Self.boundary, tempPath: filePath)
        #expect(form.fields["key"] == "k")
        #expect(form.fields["late"] == nil)
        #expect(form.customVariables.map(\.1) == ["bob"])
        #expect(form.fileName == "C:\\dir\\a.txt")
        #expect(PostObjectHandler.baseName(form.fileName ?? "") == "a.txt")
        #expect(form.fileContentType == "text/plain")
        #expect(form.fileSize == Int64(fileSize))
        #expect(form.fileMD5 == Hash.md5(file))
        #expect(form.fileCRC64 == CRC64.checksum(file))
        #expect(FileManager.default.contents(atPath: filePath) == Data(file))
    }

    @Test func missingFileIsInvalidArgumentAndLeavesNoTempFile() throws {
        let body = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--\(Self.boundary)--\r\n".utf8)
        let filePath = Self.temp()
        let error = #expect(throws: OSSError.self) {
            try PostObjectForm.parse(.bytes(body), boundary: Self.boundary, tempPath: filePath)
        }
        #expect(error?.code == "InvalidArgument")
        #expect(!FileManager.default.fileExists(atPath: filePath))
    }

    @Test func truncatedFileIsMalformedAndLeavesNoTempFile() throws {
        let whole = Self.body(file: Array(repeating: 7, count: 100))
        let fileStart = try #require(whole.indices.first { whole[$0...].starts(with: Array("text/plain\r\n\r\n".utf8)) })
        let body = Array(whole.prefix(fileStart + 14 + 50))
        let filePath = Self.temp()
        let error = #expect(throws: OSSError.self) {
            try PostObjectForm.parse(.bytes(body), boundary: Self.boundary, tempPath: filePath)
        }
        #expect(error?.code == "MalformedPOSTRequest")
        #expect(!FileManager.default.fileExists(atPath: filePath))
    }

    @Test func fieldLimits() throws {
        let long = String(repeating: "v", count: PostObjectForm.maxFieldValueBytes + 1)
        let tooLong = #expect(throws: OSSError.self) {
            try PostObjectForm.parse(.bytes(Self.body(file: [1], fields: [("key", long)])), boundary: Self.boundary, tempPath: Self.temp())
        }
        #expect(tooLong?.code == "InvalidArgument")
        let value = String(repeating: "v", count: PostObjectForm.maxFieldValueBytes)
        let fields = (0...(PostObjectForm.maxFieldBytesBeforeFile / PostObjectForm.maxFieldValueBytes)).map { ("f\($0)", value) }
        let total = #expect(throws: OSSError.self) {
            try PostObjectForm.parse(.bytes(Self.body(file: [1], fields: fields)), boundary: Self.boundary, tempPath: Self.temp())
        }
        #expect(total?.code == "MaxPOSTPreDataLengthExceeded")
        #expect(PostObjectHandler.maxObjectBytes == 5 * 1024 * 1024 * 1024)
    }

    @Test func filenameSubstitution() {
        #expect(PostObjectHandler.substituteFilename(in: "u/${filename}", with: "a.png") == "u/a.png")
        #expect(PostObjectHandler.substituteFilename(in: "${filename}-${filename}", with: "x") == "x-x")
        #expect(PostObjectHandler.substituteFilename(in: "plain", with: "x") == "plain")
    }
}
