import Foundation
import OSSProtocol
import Testing
@testable import Emulator

/// The request journal: what each answered request was, over HTTP and in Swift.
@Suite struct RequestJournalTests {
    @Test func recordsOperationsStatusesCodesAndSizes() async throws {
        let test = try TestEmulator()
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "jbkt").status == 200)
        #expect(try await test.send("PUT", bucket: "jbkt", key: "a.txt", body: Array("hello".utf8)).status == 200)
        #expect(try await test.send("GET", bucket: "jbkt", key: "a.txt").status == 200)
        #expect(try await test.send("GET", bucket: "jbkt", key: "missing").status == 404)
        #expect(try await test.send("GET", bucket: "jbkt", key: "a.txt", anonymous: true).status == 403)

        let all = emulator.requests()
        #expect(all.map(\.operation) == ["PutBucket", "PutObject", "GetObject", "GetObject", "GetObject"])
        #expect(all.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(all[1].bytesIn == 5 && all[1].key == "a.txt" && all[1].bucket == "jbkt" && all[1].auth == "v1")
        #expect(all[2].bytesOut == 5 && all[2].errorCode == nil)
        #expect(all[3].status == 404 && all[3].errorCode == "NoSuchKey")
        #expect(all[4].status == 403 && all[4].errorCode == "AccessDenied" && all[4].auth == "anonymous")
        #expect(emulator.requests(after: 3).map(\.sequence) == [4, 5])
        #expect(emulator.requests(operation: "PutObject").count == 1)
        #expect(emulator.requestCounts()["GetObject"] == [200: 1, 404: 1, 403: 1])

        // Over HTTP, filtered; the admin requests themselves are journalled as Admin.
        let base = test.endpoints.http + "/_emulator"
        let page = try await plainRequest("GET", base + "/requests?after=1&operation=GetObject&bucket=jbkt")
        #expect(page.status == 200)
        let decoded = try JSONSerialization.jsonObject(with: Data(page.text.utf8)) as? [String: Any]
        let requests = try #require(decoded?["requests"] as? [[String: Any]])
        #expect(requests.map { $0["sequence"] as? Int } == [3, 4, 5])
        #expect(requests[1]["errorCode"] as? String == "NoSuchKey")
        #expect((requests[0]["time"] as? String)?.hasSuffix("Z") == true)
        #expect(Set(requests[0].keys) == ["sequence", "time", "operation", "bucket", "key", "status", "errorCode",
                                          "bytesIn", "bytesOut", "durationMs", "remoteAddress", "auth"])
        let stats = try await plainRequest("GET", base + "/stats")
        #expect(stats.text.contains("\"GetObject\": {\"total\": 3"), "\(stats.text)")
        #expect(emulator.requests(operation: "Admin").count == 2)
        // No signature or secret ever reaches the journal.
        #expect(!page.text.contains(TestEmulator.secret) && !page.text.contains("Signature"))
    }

    @Test func keepsTheNewestAndResetsWithTheEmulator() async throws {
        let test = try TestEmulator(configure: { $0.requestJournalCapacity = 3 })
        #expect(try await test.send("PUT", bucket: "jring").status == 200)
        for index in 0..<5 {
            #expect(try await test.send("PUT", bucket: "jring", key: "k\(index)", body: [1]).status == 200)
        }
        #expect(test.emulator.requests().map(\.sequence) == [4, 5, 6])
        #expect(test.emulator.requestCounts()["PutObject"] == [200: 5])
        try test.emulator.reset()
        #expect(test.emulator.requests().isEmpty && test.emulator.requestCounts().isEmpty)
    }
}
