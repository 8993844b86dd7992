import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OSSProtocol
import Testing
@testable import Emulator

@Suite struct ServerSentEventsTests {
    private func subscribe(_ emulator: Emulator, lastEventID: UInt64? = nil) -> (LineClient, [String])? {
        guard let client = try? LineClient(port: emulator.endpoints!.httpPort) else { return nil }
        var request = "GET /_emulator/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        if let lastEventID { request += "Last-Event-ID: \(lastEventID)\r\n" }
        client.send(request + "\r\n")
        return (client, client.readHead())
    }

    @Test func eventsOfAPushArriveInOrderAndResume() async throws {
        let emulator = try startEmulator { $0.buckets = [BucketSpec(name: "bkt", acl: .publicReadWrite)] }
        defer { emulator.stop() }
        let test = TestEmulatorClient(endpoint: emulator.endpoints!.http)
        #expect(try await test.createChannel(bucket: "bkt", name: "cam") == 200)
        guard let (client, head) = subscribe(emulator) else { Issue.record("cannot connect"); return }
        #expect(head.first == "HTTP/1.1 200 OK")
        #expect(head.contains("Content-Type: text/event-stream"))
        #expect(head.contains("Transfer-Encoding: chunked"))

        try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam")
        try await emulator.waitForPublishEnded(bucket: "bkt", channel: "cam")
        let expected = emulator.recentEvents()
        let received = client.readEvents(expected.count)
        #expect(received.map(\.id) == expected.map { String($0.sequence) })
        #expect(received.map(\.event) == expected.map(\.event.name))
        #expect(received.first?.event == "publish-started")
        #expect(received.last?.event == "publish-ended")
        #expect(received.filter { $0.event == "segment-written" }.count == 3)
        let segment = try JSONSerialization.jsonObject(with: Data(received.first { $0.event == "segment-written" }!.data.utf8)) as? [String: Any]
        #expect(segment?["bucket"] as? String == "bkt")
        #expect(segment?["channel"] as? String == "cam")
        #expect((segment?["key"] as? String)?.hasPrefix("cam/") == true)
        #expect((segment?["durationMilliseconds"] as? Int).map { $0 > 1500 && $0 < 2500 } == true)

        // A reconnect with Last-Event-ID gets what came after it, from the kept events.
        let resumeAfter = expected[2].sequence
        guard let (again, _) = subscribe(emulator, lastEventID: resumeAfter) else { Issue.record("cannot reconnect"); return }
        let resumed = again.readEvents(expected.count - 3)
        #expect(resumed.map(\.id) == expected.dropFirst(3).map { String($0.sequence) })
        #expect(emulator.eventLog.subscriberCount == 2)
        again.close()
        client.close()
        #expect(await eventuallyTrue { emulator.eventLog.subscriberCount == 0 })
    }

    @Test func stopEndsTheStream() throws {
        let emulator = try startEmulator()
        guard let (client, _) = subscribe(emulator) else { Issue.record("cannot connect"); return }
        emulator.stop()
        var lines: [String] = []
        while let line = client.readLine() { lines.append(line) }
        // The stream ended (EOF) rather than timing out, and nobody is subscribed.
        #expect(lines.contains(": oss-live-emulator events"))
        #expect(emulator.eventLog.subscriberCount == 0)
    }
}

/// Signs the few requests these tests need with the test credentials.
struct TestEmulatorClient {
    let endpoint: String

    func createChannel(bucket: String, name: String) async throws -> Int {
        let date = OSSTime.httpDate(Int64(Date().timeIntervalSince1970))
        let query = [QueryItem(name: "live", value: nil)]
        let stringToSign = V1Signature.stringToSign(
            method: "PUT", contentMD5: "", contentType: "", date: date, ossHeaders: [:], bucket: bucket, key: name, query: query)
        let signature = V1Signature.sign(secret: TestEmulator.secret, stringToSign: stringToSign)
        var request = URLRequest(url: URL(string: "\(endpoint)/\(bucket)/\(name)?live")!)
        request.httpMethod = "PUT"
        request.setValue(date, forHTTPHeaderField: "Date")
        request.setValue("OSS \(TestEmulator.keyId):\(signature)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(channelConfiguration(fragDuration: 1))
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

func eventuallyTrue(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
