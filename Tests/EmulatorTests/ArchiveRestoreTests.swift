import Foundation
import Synchronization
import OSSProtocol
import Testing
@testable import Emulator

/// RestoreObject against the emulator clock: a restore completes after the
/// configured delay, the restored copy expires after its days, and the
/// object is frozen again.
@Suite struct ArchiveRestoreTests {
    final class Clock: Sendable {
        // Real time: requests are signed with the real Date, checked against this clock.
        let now = Atomic<Int64>(Int64(Date().timeIntervalSince1970) * 1000)
        func advance(seconds: Int64) { now.add(seconds * 1000, ordering: .relaxed) }
        var function: @Sendable () -> Int64 { { self.now.load(ordering: .relaxed) } }
    }

    @Test func restoreCompletesAfterTheDelayAndExpiresAfterItsDays() async throws {
        let clock = Clock()
        let server = try TestEmulator(clock: clock.function) { $0.restoreDelaySeconds = 60 }
        // Public-read, so the object can still be read unsigned once the clock
        // has moved days beyond what a signature's Date may be off by.
        #expect(try await server.send("PUT", bucket: "cold", headers: ["x-oss-acl": "public-read"]).status == 200)
        let put = try await server.send("PUT", bucket: "cold", key: "a.txt", body: "frozen".bytes, headers: ["x-oss-storage-class": "Archive"])
        #expect(put.status == 200)

        let frozen = try await server.send("GET", bucket: "cold", key: "a.txt")
        #expect(frozen.status == 403)
        #expect(frozen.text.contains("<Code>InvalidObjectState</Code>"))

        let days = "<RestoreRequest><Days>2</Days></RestoreRequest>".bytes
        #expect(try await server.send("POST", bucket: "cold", key: "a.txt", query: [.init(name: "restore", value: nil)], body: days, headers: ["Content-Type": "application/xml"]).status == 202)
        let busy = try await server.send("POST", bucket: "cold", key: "a.txt", query: [.init(name: "restore", value: nil)])
        #expect(busy.status == 409)
        #expect(busy.text.contains("<Code>RestoreAlreadyInProgress</Code>"))
        #expect(try await server.send("HEAD", bucket: "cold", key: "a.txt").header("x-oss-restore") == "ongoing-request=\"true\"")
        #expect(try await server.send("GET", bucket: "cold", key: "a.txt").status == 403)

        clock.advance(seconds: 60)
        let head = try await server.send("HEAD", bucket: "cold", key: "a.txt")
        let expiry = OSSTime.httpDate(clock.function() / 1000 + 2 * 86_400)
        #expect(head.header("x-oss-restore") == "ongoing-request=\"false\", expiry-date=\"\(expiry)\"")
        let readable = try await server.send("GET", bucket: "cold", key: "a.txt")
        #expect(readable.status == 200)
        #expect(readable.text == "frozen")

        clock.advance(seconds: 2 * 86_400)
        #expect(try await server.send("HEAD", bucket: "cold", key: "a.txt", anonymous: true).header("x-oss-restore") == nil)
        let refrozen = try await server.send("GET", bucket: "cold", key: "a.txt", anonymous: true)
        #expect(refrozen.status == 403)
        #expect(refrozen.text.contains("<Code>InvalidObjectState</Code>"))
    }

    @Test func taggingAndProcessingOverHTTP() async throws {
        let server = try TestEmulator()
        #expect(try await server.send("PUT", bucket: "tags").status == 200)
        #expect(try await server.send("PUT", bucket: "tags", key: "o", body: "x".bytes, headers: ["x-oss-tagging": "a=1&b=2"]).status == 200)
        #expect(try await server.send("HEAD", bucket: "tags", key: "o").header("x-oss-tagging-count") == "2")
        let got = try await server.send("GET", bucket: "tags", key: "o", query: [.init(name: "tagging", value: nil)])
        #expect(got.text.contains("<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag>"))
        let bad = try await server.send("PUT", bucket: "tags", key: "o", query: [.init(name: "tagging", value: nil)],
                                        body: "<Tagging><TagSet><Tag><Key>a,b</Key><Value/></Tag></TagSet></Tagging>".bytes,
                                        headers: ["Content-Type": "application/xml"])
        #expect(bad.status == 400)
        #expect(bad.text.contains("<Code>InvalidTag</Code>"))
        let process = try await server.send("GET", bucket: "tags", key: "o", query: [.init(name: "x-oss-process", value: "image/resize,w_1")])
        #expect(process.status == 501)
        #expect(process.text.contains("not emulated"))
    }
}
