import Foundation
import Testing
@testable import Emulator
import Publisher

/// Descriptors of this process that belong to an emulator: sockets on one of
/// `ports`, files under one of `directories`. Other tests running at the same
/// time open descriptors of their own; these are told apart by port and path.
private func descriptors(ports: Set<UInt16>, directories: [String]) -> [String] {
    var inodes: [String: UInt16] = [:]
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        guard let text = readWhole(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, let portText = fields[1].split(separator: ":").last,
                  let port = UInt16(portText, radix: 16) else { continue }
            inodes[String(fields[9])] = port
        }
    }
    let directory = "/proc/self/fd/"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.compactMap { name in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + name) else { return nil }
        if target.hasPrefix("socket:["), let port = inodes[String(target.dropFirst(8).dropLast())], ports.contains(port) {
            return target
        }
        return directories.contains { target.hasPrefix($0) } ? target : nil
    }
}

/// A /proc file read to its end (they report size 0 and come a page per read).
private func readWhole(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &chunk, chunk.count)
        if count <= 0 { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite(.serialized) struct LifecycleTests {
    @Test func startStopHundredTimesLeaksNoDescriptor() throws {
        let emulator = Emulator(configuration: {
            var configuration = EmulatorConfiguration()
            configuration.port = 0
            configuration.rtmpPort = 0
            configuration.ephemeral = true
            return configuration
        }())
        for _ in 0..<100 {
            let endpoints = try emulator.start()
            let ports: Set<UInt16> = [endpoints.httpPort, endpoints.rtmpPort]
            #expect(!descriptors(ports: ports, directories: []).isEmpty)
            emulator.stop()
            // Checked at once, before another suite running meanwhile can get
            // one of these port numbers for a socket of its own.
            #expect(descriptors(ports: ports, directories: [endpoints.dataDirectory]) == [])
        }
        #expect(emulator.endpoints == nil)
    }

    @Test func stopClosesConnectionsPublishersAndStreams() async throws {
        let emulator = try startEmulator { $0.buckets = [BucketSpec(name: "bkt", acl: .publicReadWrite)] }
        let endpoints = emulator.endpoints!
        let test = TestEmulatorClient(endpoint: endpoints.http)
        #expect(try await test.createChannel(bucket: "bkt", name: "cam") == 200)
        let sse = try LineClient(port: endpoints.httpPort)
        sse.send("GET /_emulator/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _ = sse.readHead()
        let idle = try LineClient(port: endpoints.httpPort)
        let events = emulator.events
        let publishing = Task {
            try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam", realtime: true)
        }
        try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 1)
        #expect(descriptors(ports: [endpoints.httpPort, endpoints.rtmpPort], directories: []).count >= 5)

        emulator.stop()
        // Nothing of it is open any more, and its event stream has ended with the push's end.
        #expect(descriptors(ports: [endpoints.httpPort, endpoints.rtmpPort], directories: [endpoints.dataDirectory]).isEmpty)
        var seen: [EmulatorEvent] = []
        for await record in events { seen.append(record.event) }
        #expect(seen.contains { if case .publishEnded = $0 { return true } else { return false } })
        #expect(emulator.eventLog.subscriberCount == 0)
        await #expect(throws: PublishError.self) { try await publishing.value }
        let sequence = emulator.lastEventSequence
        try await Task.sleep(for: .milliseconds(100))
        #expect(emulator.lastEventSequence == sequence)
        idle.close()
        sse.close()
    }
}
