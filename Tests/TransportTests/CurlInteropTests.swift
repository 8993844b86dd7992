import Foundation
import Synchronization
import Testing
import Digest
@testable import Transport

/// Runs `/usr/bin/curl` with `arguments` and `input` on stdin; returns
/// stdout and stderr.
func runCurl(_ arguments: [String], input: Data? = nil) throws -> (out: String, err: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--show-error", "--max-time", "10"] + arguments
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self), process.terminationStatus)
}

extension ServerTests {
    /// curl as a real HTTP/1.1 client: 100-continue uploads, chunked uploads,
    /// HEAD and connection reuse.
    @Suite struct CurlInterop {
        let handler = ClosureHandler { request, respond in
            let text = "\(request.method) \(request.body.length) \(Hex.encode(request.bodyMD5))"
            if request.method == "HEAD" {
                respond(HTTPResponse(status: 200, headers: ["Content-Length": "42", "X-Method": "HEAD"]))
            } else {
                respond(HTTPResponse(status: 200, headers: ["X-Expect": request.headers["Expect"] ?? "-"],
                                     body: .bytes(Array((text + "\n").utf8))))
            }
        }

        @Test func uploadWithExpectContinue() throws {
            let server = try startServer(handler: handler)
            defer { server.stop() }
            var payload = Data(count: 2 * 1024 * 1024)
            payload.withUnsafeMutableBytes { raw in
                for index in stride(from: 0, to: raw.count, by: 4096) { raw[index] = UInt8(truncatingIfNeeded: index >> 12) }
            }
            let path = try makeTemporaryDirectory() + "/upload"
            try payload.write(to: URL(fileURLWithPath: path))
            let result = try runCurl(["-i", "-H", "Expect: 100-continue", "-T", path, "http://127.0.0.1:\(server.port)/b/k"])
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out.contains("HTTP/1.1 100 Continue"))
            #expect(result.out.contains("X-Expect: 100-continue"))
            #expect(result.out.hasSuffix("PUT \(payload.count) \(Hex.encode(Hash.md5(Array(payload))))\n"))
        }

        @Test func chunkedUploadFromStdin() throws {
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let payload = Data(String(repeating: "chunked body ", count: 10_000).utf8)
            let result = try runCurl(["-H", "Transfer-Encoding: chunked", "-T", "-",
                                      "http://127.0.0.1:\(server.port)/b/k"], input: payload)
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out == "PUT \(payload.count) \(Hex.encode(Hash.md5(Array(payload))))\n")
        }

        @Test func headAndConnectionReuse() throws {
            let server = try startServer(handler: handler)
            defer { server.stop() }
            let head = try runCurl(["-I", "http://127.0.0.1:\(server.port)/b/k"])
            #expect(head.status == 0, "\(head.err)")
            #expect(head.out.contains("Content-Length: 42"))
            let url = "http://127.0.0.1:\(server.port)/b/"
            let reuse = try runCurl(["-v", url + "1", url + "2", url + "3"])
            #expect(reuse.status == 0, "\(reuse.err)")
            #expect(reuse.out == String(repeating: "GET 0 \(Hex.encode(Hash.md5([UInt8]())))\n", count: 3))
            #expect(reuse.err.components(separatedBy: "Re-using existing connection").count == 3)
        }
    }
}
