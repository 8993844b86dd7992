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
        #expect(try await plainRequest("DELETE", base + "/channels", headers: ["X-Emulator-Admin": "1"]).status == 405)
        // Without the admin header a state-changing method is refused before anything else.
        #expect(try await plainRequest("DELETE", base + "/channels").status == 403)
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

    /// A page on another origin must neither read admin answers nor change
    /// state: no CORS grant, no preflight, and POSTs from it refused.
    @Test func otherOriginsCannotUseTheAdminEndpoints() async throws {
        let test = try TestEmulator()
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let base = emulator.endpoints!.http + "/_emulator"
        let evil = ["Origin": "http://evil.example"]
        // A simple cross-origin POST (what fetch sends without a preflight) changes nothing.
        let forged = try await plainRequest("POST", base + "/reset", headers: evil)
        #expect(forged.status == 403, "\(forged.text)")
        #expect(forged.header("Access-Control-Allow-Origin") == nil)
        let forgedWithHeader = try await plainRequest("POST", base + "/reset", headers: evil.merging(["X-Emulator-Admin": "1"]) { a, _ in a })
        #expect(forgedWithHeader.status == 403)
        #expect(emulator.store!.listBuckets().map(\.name) == ["bkt"])
        #expect(emulator.recentEvents().isEmpty)
        // Nor can it read the admin answers, or pass a preflight for a non-simple request.
        let channels = try await plainRequest("GET", base + "/channels", headers: evil)
        #expect(channels.header("Access-Control-Allow-Origin") == nil)
        for path in ["/reset", "/channels", "/"] {
            let preflight = try await plainRequest("OPTIONS", base + path, headers: evil.merging([
                "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-emulator-admin",
            ]) { a, _ in a })
            #expect(preflight.status == 403, "\(path)")
            #expect(preflight.header("Access-Control-Allow-Origin") == nil)
        }
        // Health stays shared; the object API keeps its CORS.
        #expect(try await plainRequest("GET", base + "/health", headers: evil).header("Access-Control-Allow-Origin") == "http://evil.example")
        // Without the admin header even a same-origin or origin-less POST is refused.
        #expect(try await plainRequest("POST", base + "/reset").status == 403)
        let host = emulator.endpoints!.http.replacingOccurrences(of: "http://", with: "")
        let sameOrigin = try await plainRequest("POST", base + "/reset", headers: [
            "Origin": "http://" + host, "X-Emulator-Admin": "1",
        ])
        #expect(sameOrigin.status == 200, "\(sameOrigin.text)")
        #expect(emulator.store!.listBuckets().isEmpty)
    }

    /// A page whose own DNS name points at 127.0.0.1 (DNS rebinding) is
    /// "same origin" for the browser, custom headers included. Its requests
    /// carry that dotted name as Host, which the emulator reads as a bucket
    /// host: the admin endpoints are not there at all.
    @Test func aReboundDNSNameDoesNotReachTheAdminEndpoints() async throws {
        let test = try TestEmulator()
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let port = emulator.endpoints!.httpPort
        let base = emulator.endpoints!.http + "/_emulator"
        let rebound = ["Host": "rebind.attacker.example:\(port)", "Origin": "http://rebind.attacker.example:\(port)",
                       "X-Emulator-Admin": "1"]
        let read = try await plainRequest("GET", base + "/channels", headers: rebound)
        #expect(read.status != 200)
        #expect(!read.text.contains("bkt"))
        #expect(try await plainRequest("POST", base + "/reset", headers: rebound).status != 200)
        #expect(emulator.store!.listBuckets().map(\.name) == ["bkt"])
        // Addressed by IP address, localhost or a single-label name (a container's service name), they answer.
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "emulator:\(port)"] {
            #expect(try await plainRequest("GET", base + "/channels", headers: ["Host": host]).status == 200, "\(host)")
        }
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
        let reset = try await plainRequest("POST", emulator.endpoints!.http + "/_emulator/reset", headers: ["X-Emulator-Admin": "1"])
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
