import Foundation
import Testing
@testable import Emulator
import Transport

/// Clients that misuse connections (park thousands, reset uploads) cannot
/// lock others out or leave files behind.
@Suite struct ConnectionPressureTests {
    static let health = Array("GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)

    @Test func healthIsAnsweredWhileOneClientParksMoreConnectionsThanTheLimit() throws {
        let test = try TestEmulator(configure: { $0.limits.maxConnections = 20 })
        let port = test.endpoints.httpPort
        // More idle connections than the whole limit, all from 127.0.0.1.
        var parked: [RawHTTPConnection] = []
        for _ in 0..<30 { parked.append(try RawHTTPConnection(port: port)) }
        var checks: [RawHTTPConnection] = []
        for index in 0..<3 {
            let check = try RawHTTPConnection(port: port)
            #expect(check.send(Self.health))
            #expect(try check.readResponse().status == 200, "health check \(index)")
            checks.append(check)
        }
        // The oldest parked connections were closed to make room, the newest kept.
        #expect(parked[0].readUntilClosed().end != .timedOut)
        #expect(parked[29].send(Self.health))
        #expect(try parked[29].readResponse().status == 200)
    }

    @Test func aResetUploadLeavesNoSpoolFile() async throws {
        let test = try TestEmulator()
        let spool = test.endpoints.dataDirectory + "/.oss/tmp"
        let forge = RequestForge(port: test.endpoints.httpPort, keyId: TestEmulator.keyId, secret: TestEmulator.secret)
        let created = try RawHTTPConnection(port: forge.port)
        created.send(forge.request("PUT", "/bkt/", bucket: "bkt", signed: true))
        #expect(try created.readResponse().status == 200)
        var uploads: [RawHTTPConnection] = []
        for index in 0..<10 {
            let upload = try RawHTTPConnection(port: forge.port)
            upload.send(Array("PUT /bkt/obj\(index) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n".utf8))
            upload.send([UInt8](repeating: 0x61, count: 1024 * 1024))
            upload.resetOnClose()
            uploads.append(upload)
        }
        uploads = []
        // Timing slack for a loaded machine; a missed reset holds its file for 30 s.
        #expect(await eventuallyTrue(timeout: .seconds(2)) {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? ["?"]).isEmpty
        })
        // The emulator still serves.
        let after = try RawHTTPConnection(port: forge.port)
        #expect(after.send(Self.health))
        #expect(try after.readResponse().status == 200)
    }
}
