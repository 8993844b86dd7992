import Foundation
import Testing
@testable import Emulator

/// When the server itself cannot write (disk full, read-only data directory),
/// clients get a retryable 500 `InternalError` that names no server path.
@Suite struct ServerFaultTests {
    @Test func unwritableSpoolAnswersInternalErrorWithoutServerPaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fault-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let test = try TestEmulator(dataDirectory: directory)
        let forge = RequestForge(port: test.endpoints.httpPort, keyId: TestEmulator.keyId, secret: TestEmulator.secret)
        let created = try RawHTTPConnection(port: forge.port)
        created.send(forge.request("PUT", "/bkt/", bucket: "bkt", signed: true))
        #expect(try created.readResponse().status == 200)

        // Temp and spool files live in .oss/tmp; a plain file in its place makes every
        // write fail, even for root (whom permissions would not stop).
        let spool = directory + "/.oss/tmp"
        try FileManager.default.removeItem(atPath: spool)
        #expect(FileManager.default.createFile(atPath: spool, contents: Data()))

        for size in [100, 200 * 1024] {
            let body = [UInt8](repeating: 0x61, count: size)
            let connection = try RawHTTPConnection(port: forge.port, receiveTimeout: .seconds(5))
            connection.send(forge.request("PUT", "/bkt/obj", bucket: "bkt", key: "obj", body: body, signed: true))
            let response = try connection.readResponse()
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 500, "\(size) bytes: \(text)")
            #expect(response.code == "InternalError", "\(size) bytes: \(text)")
            #expect(!text.contains(directory) && !text.contains("/.oss"), "\(size) bytes: \(text)")
            #expect(text.contains("<RequestId>"))
        }
    }
}
