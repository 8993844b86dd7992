import Foundation
import Locking
import Testing
@testable import Transport

extension ServerTests {
    /// The connection limits under pressure: one address gets a share of the
    /// limit, idle connections make room for new ones, busy ones are kept.
    @Suite struct Shedding {
        /// 20 connections; one address may hold 10 of them.
        static func limits(perAddress: Int? = nil) -> HTTPLimits {
            var limits = HTTPLimits.default
            limits.maxConnections = 20
            limits.maxConnectionsPerAddress = perAddress
            return limits
        }

        @Test func theDefaultShareIsHalfTheLimit() {
            #expect(HTTPLimits.addressShareDivisor == 2)
            #expect(Self.limits().connectionsPerAddress == 10)
            #expect(HTTPLimits.default.connectionsPerAddress == 5_000)
            #expect(Self.limits(perAddress: 3).connectionsPerAddress == 3)
        }

        @Test func theDescriptorLimitBoundsTheConnectionLimit() {
            // Raised as needed, never lowered: room for 100 connections and their files.
            #expect(DescriptorLimit.provide(forConnections: 100) == 100)
            #expect(DescriptorLimit.current >= 100 * DescriptorLimit.perConnection + DescriptorLimit.reserved)
            // More than any hard limit allows: as many as fit.
            let fitting = DescriptorLimit.provide(forConnections: 100_000_000)
            #expect(fitting == (DescriptorLimit.current - DescriptorLimit.reserved) / DescriptorLimit.perConnection)
        }

        @Test func oneAddressHoldsAtMostItsShareAndOthersStillGetIn() async throws {
            let logged = Locked<[String]>([])
            let server = try startServer(limits: Self.limits(), log: { line in logged.withLock { $0.append(line) } })
            defer { server.stop() }
            // Ten busy connections (each has begun a request) fill 127.0.0.1's share.
            var busy: [TestClient] = []
            for _ in 0..<10 {
                let client = try TestClient(port: server.port)
                try client.send("GET /slow HTTP/1.1\r\n")
                busy.append(client)
            }
            // Busy once the server has read their first bytes: until then a new
            // connection counts as idle and could be shed for the eleventh.
            #expect(await eventually { server.connectionCount == 10 && server.idleConnectionCount == 0 })
            let over = try TestClient(port: server.port)
            #expect(over.waitForClose(), "the eleventh from the same address is refused")
            #expect(await eventually { logged.withLock { $0.contains { $0.contains("its share of 20") } } })
            // Another address still has room.
            let other = try TestClient(port: server.port, source: "127.0.0.2")
            try other.send("GET /other HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try other.readResponse().text == "GET /other 0")
            // The old connections were kept.
            for client in busy {
                try client.send("Host: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /slow 0")
            }
        }

        @Test func idleKeepAliveConnectionsAreShedOldestFirst() async throws {
            let server = try startServer(limits: Self.limits())
            defer { server.stop() }
            // Ten keep-alive connections, each idle after one request, oldest first.
            var idle: [TestClient] = []
            for index in 0..<10 {
                let client = try TestClient(port: server.port)
                try client.send("GET /\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                idle.append(client)
            }
            // Three more from the same address: each is served, an old idle one makes room.
            var newer: [TestClient] = []
            for index in 0..<3 {
                let client = try TestClient(port: server.port)
                try client.send("GET /new\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /new\(index) 0")
                newer.append(client)
            }
            for client in idle.prefix(3) { #expect(client.waitForClose(), "the oldest idle ones are closed") }
            #expect(await eventually { server.connectionCount == 10 })
            for (index, client) in (Array(idle.dropFirst(3)) + newer).enumerated() {
                try client.send("GET /again\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /again\(index) 0")
            }
        }

        @Test func aRequestIsAnsweredWhileTheLimitIsFullOfIdleConnections() async throws {
            // One address may take the whole limit here, as every local client shares 127.0.0.1.
            let server = try startServer(limits: Self.limits(perAddress: 20))
            defer { server.stop() }
            var parked: [TestClient] = []
            for _ in 0..<20 { parked.append(try TestClient(port: server.port)) }
            #expect(await eventually { server.connectionCount == 20 })
            // Connections that never sent a byte are idle too: the oldest makes room.
            var checks: [TestClient] = []
            for index in 0..<5 {
                let client = try TestClient(port: server.port)
                try client.send("GET /_emulator/health HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /_emulator/health 0", "request \(index)")
                checks.append(client)
            }
            #expect(await eventually { server.connectionCount == 20 })
            for client in parked.prefix(5) { #expect(client.waitForClose(), "the oldest parked ones are closed") }
            for (index, client) in parked.dropFirst(5).enumerated() {
                try client.send("GET /late\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /late\(index) 0")
            }
        }
    }
}
