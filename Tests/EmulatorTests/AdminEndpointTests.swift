import Foundation
import OSSProtocol
import Testing
@testable import Emulator
import Publisher

@Suite struct AdminEndpointTests {
    @Test func loopbackBindIsOpen() async throws {
        let emulator = try startEmulator { $0.channels = [ChannelSpec(bucket: "bkt", name: "cam")] }
        defer { emulator.stop() }
        let base = emulator.endpoints!.http + "/_emulator"
        #expect(try await plainRequest("GET", base + "/health").status == 200)
        let channels = try await plainRequest("GET", base + "/channels")
        #expect(channels.status == 200)
        #expect(channels.header("Content-Type") == "application/json")
        let buckets = try jsonObject(channels)["buckets"] as? [[String: Any]]
        #expect(buckets?.count == 1)
        let channel = (buckets?.first?["channels"] as? [[String: Any]])?.first
        #expect(channel?["name"] as? String == "cam")
        #expect(channel?["state"] as? String == "Idle")
        #expect(channel?["status"] as? String == "enabled")
        #expect(channel?["segmentCount"] as? Int == 0)
        #expect(try await plainRequest("GET", base + "/").status == 200)
        #expect(try await plainRequest("GET", base + "/nothing").status == 404)
        #expect(try await plainRequest("DELETE", base + "/channels").status == 405)
    }

    @Test func nonLoopbackBindNeedsTheToken() async throws {
        let emulator = try startEmulator {
            $0.host = "0.0.0.0"
            $0.adminToken = "s3cret-token"
        }
        defer { emulator.stop() }
        let base = emulator.endpoints!.http + "/_emulator"
        #expect(try await plainRequest("GET", base + "/health").status == 200)
        for path in ["/", "/channels", "/events", "/reset", "/nothing"] {
            let method = path == "/reset" ? "POST" : "GET"
            let anonymous = try await plainRequest(method, base + path)
            #expect(anonymous.status == 401, "\(path)")
            #expect(anonymous.header("WWW-Authenticate") == "Bearer realm=\"oss-live-emulator\"")
            #expect(try await plainRequest(method, base + path, headers: ["Authorization": "Bearer wrong-token"]).status == 401)
            #expect(try await plainRequest(method, base + path, headers: ["Authorization": "Basic s3cret-token"]).status == 401)
        }
        let authorized = ["Authorization": "Bearer s3cret-token"]
        #expect(try await plainRequest("GET", base + "/channels", headers: authorized).status == 200)
        #expect(try await plainRequest("GET", base + "/", headers: authorized).status == 200)
        let reset = try await plainRequest("POST", base + "/reset", headers: ["Authorization": "bearer s3cret-token"])
        #expect(reset.status == 200)
        #expect(emulator.recentEvents().map(\.event) == [.reset])
    }

    @Test func nonLoopbackBindWithoutTokenIsClosed() async throws {
        let emulator = try startEmulator { $0.host = "0.0.0.0" }
        defer { emulator.stop() }
        let base = emulator.endpoints!.http + "/_emulator"
        #expect(try await plainRequest("GET", base + "/health").status == 200)
        let refused = try await plainRequest("GET", base + "/channels", headers: ["Authorization": "Bearer "])
        #expect(refused.status == 401)
        #expect(refused.text.contains("--admin-token"))
    }

    @Test func loopbackAddresses() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"] {
            #expect(AdminHandlers.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.2", "127.0.0", "127.0.0.1.5", "example.com", ""] {
            #expect(!AdminHandlers.isLoopback(host), "\(host)")
        }
        #expect(AdminHandlers.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AdminHandlers.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!AdminHandlers.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!AdminHandlers.constantTimeEqual([], Array("a".utf8)))
    }

    @Test func resetOverHTTPKicksThePublisherAndEmptiesEverything() async throws {
        let test = try TestEmulator(configure: { $0.buckets = [BucketSpec(name: "kept", acl: .publicRead)] })
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)],
                                    body: channelConfiguration()).status == 200)
        #expect(try await test.send("PUT", bucket: "kept", key: "a/b.txt", body: Array("x".utf8)).status == 200)
        let publishing = Task {
            try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam", realtime: true)
        }
        try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 1)
        let reset = try await plainRequest("POST", emulator.endpoints!.http + "/_emulator/reset")
        #expect(reset.status == 200, "\(reset.text)")
        await #expect(throws: PublishError.self) { try await publishing.value }
        #expect(emulator.store!.listBuckets().map(\.name) == ["kept"])
        #expect(try emulator.store!.objectCount(bucket: "kept") == 0)
        #expect(emulator.recentEvents().map(\.event) == [.reset])
        // The channel is gone with its bucket; a new one starts clean.
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)]).status == 404)
    }
}
