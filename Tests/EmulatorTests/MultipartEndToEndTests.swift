import Digest
import Foundation
import OSSProtocol
import Testing
@testable import Emulator

/// Multipart upload over HTTP against the in-process emulator, across a restart.
@Suite struct MultipartEndToEndTests {
    static func uploadId(in xml: String) -> String? {
        guard let start = xml.range(of: "<UploadId>"), let end = xml.range(of: "</UploadId>") else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test func anUploadSurvivesARestartAndCompletes() async throws {
        let directory = NSTemporaryDirectory() + "multipart-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Over 64 KB: the body arrives spooled to a file and is renamed into the upload.
        let first = (0..<(150 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let second = Array("the end".utf8)
        var uploadId = ""
        do {
            let server = try TestEmulator(dataDirectory: directory)
            #expect(try await server.send("PUT", bucket: "mpe2e").status == 200)
            let initiated = try await server.send(
                "POST", bucket: "mpe2e", key: "a/b.bin", query: [QueryItem(name: "uploads", value: nil)],
                headers: ["Content-Type": "application/x-test", "x-oss-meta-kind": "demo"])
            #expect(initiated.status == 200)
            uploadId = try #require(Self.uploadId(in: initiated.text))
            let part = try await server.send(
                "PUT", bucket: "mpe2e", key: "a/b.bin",
                query: [QueryItem(name: "partNumber", value: "1"), QueryItem(name: "uploadId", value: uploadId)], body: first)
            #expect(part.status == 200)
            #expect(part.header("ETag") == "\"\(Hex.encode(Hash.md5(first), uppercase: true))\"")
            #expect(part.header("x-oss-hash-crc64ecma") == String(CRC64.checksum(first)))
        }
        let server = try TestEmulator(dataDirectory: directory)
        let uploads = try await server.send("GET", bucket: "mpe2e", query: [QueryItem(name: "uploads", value: nil)])
        #expect(uploads.text.contains("<Key>a/b.bin</Key><UploadId>\(uploadId)</UploadId>"))
        let idQuery = [QueryItem(name: "uploadId", value: uploadId)]
        _ = try await server.send(
            "PUT", bucket: "mpe2e", key: "a/b.bin", query: [QueryItem(name: "partNumber", value: "2")] + idQuery, body: second)
        let parts = try await server.send("GET", bucket: "mpe2e", key: "a/b.bin", query: idQuery)
        #expect(parts.text.contains("<PartNumber>1</PartNumber>"))
        #expect(parts.text.contains("<Size>7</Size>"))

        let body = "<CompleteMultipartUpload>"
            + "<Part><PartNumber>1</PartNumber><ETag>\(Hex.encode(Hash.md5(first), uppercase: true))</ETag></Part>"
            + "<Part><PartNumber>2</PartNumber><ETag>\(Hex.encode(Hash.md5(second), uppercase: true))</ETag></Part>"
            + "</CompleteMultipartUpload>"
        let complete = try await server.send(
            "POST", bucket: "mpe2e", key: "a/b.bin", query: idQuery, body: Array(body.utf8),
            headers: ["Content-Type": "application/xml"])
        #expect(complete.status == 200)
        let etag = Hex.encode(Hash.md5(Hash.md5(first) + Hash.md5(second)), uppercase: true) + "-2"
        #expect(complete.text.contains("<ETag>&quot;\(etag)&quot;</ETag>"))
        #expect(complete.header("x-oss-hash-crc64ecma") == String(CRC64.checksum(first + second)))

        let object = try await server.send("GET", bucket: "mpe2e", key: "a/b.bin")
        #expect(Hash.md5(object.body) == Hash.md5(first + second))  // no megabyte dump on failure
        #expect(object.header("x-oss-object-type") == "Multipart")
        #expect(object.header("ETag") == "\"\(etag)\"")
        #expect(object.header("Content-Type") == "application/x-test")
        #expect(object.header("x-oss-meta-kind") == "demo")

        let gone = try await server.send("DELETE", bucket: "mpe2e", key: "a/b.bin", query: idQuery)
        #expect(gone.status == 404)
        #expect(gone.text.contains("<Code>NoSuchUpload</Code>"))
    }

    @Test func partNumbersOutsideTheRangeAreRefused() async throws {
        let server = try TestEmulator()
        _ = try await server.send("PUT", bucket: "mpe2e")
        let initiated = try await server.send("POST", bucket: "mpe2e", key: "k", query: [QueryItem(name: "uploads", value: nil)])
        let uploadId = try #require(Self.uploadId(in: initiated.text))
        for number in ["0", "10001"] {
            let response = try await server.send(
                "PUT", bucket: "mpe2e", key: "k",
                query: [QueryItem(name: "partNumber", value: number), QueryItem(name: "uploadId", value: uploadId)], body: [1])
            #expect(response.status == 400)
            #expect(response.text.contains("<Code>InvalidArgument</Code>"))
        }
    }
}
