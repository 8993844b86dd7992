import Foundation
import Testing
@testable import Transport

extension ServerTests {
    /// Clients that reset (RST) their connection instead of closing it.
    @Suite struct Resets {
        /// Libdispatch reports a reset once and then stops watching the
        /// socket, so the server must read to the error on that one event
        /// even with request bytes still queued in front of it.
        @Test func resetDuringAnUploadFreesConnectionDescriptorAndSpoolFile() async throws {
            let spool = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: spool) }
            // The default body timeout (30 s) is what a missed reset would wait for.
            let server = try startServer(spoolDirectory: spool)
            defer { server.stop() }
            let port = server.port
            let uploads = 20
            var clients: [TestClient] = []
            for index in 0..<uploads {
                let client = try TestClient(port: port)
                try client.send("PUT /upload\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: 100000000\r\n\r\n")
                // Far more than one readable event takes, and the reset right behind it.
                try client.send([UInt8](repeating: 0x61, count: 2 * 1024 * 1024))
                client.resetOnClose()
                clients.append(client)
            }
            #expect(server.connectionCount <= uploads)
            clients = []
            // Timing slack for a loaded machine; a missed reset holds on for 30 s.
            #expect(await eventually(timeout: .seconds(2)) { server.connectionCount == 0 },
                    "\(server.connectionCount) connections still open")
            #expect(await eventually(timeout: .seconds(2)) { descriptorCount(port: port, paths: [spool]) == 1 },
                    "only the listening socket remains")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool).isEmpty, "spool files removed")
        }
    }
}
