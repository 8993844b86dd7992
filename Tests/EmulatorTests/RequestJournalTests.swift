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

/// The journal's own storage, without a server.
@Suite struct RequestJournalStorageTests {
    private func record(_ sequence: UInt64, key: String?) -> RequestRecord {
        RequestRecord(sequence: sequence, time: 1_700_000_000_000 + Int64(sequence), operation: "PutObject",
                      bucket: "b", key: key, status: sequence % 7 == 0 ? 404 : 200,
                      errorCode: sequence % 7 == 0 ? "NoSuchKey" : nil, bytesIn: Int64(sequence) * 1000,
                      bytesOut: sequence % 3 == 0 ? -1 : 0, durationMilliseconds: Int64(sequence % 50),
                      remoteAddress: "::ffff:10.0.0.\(sequence % 256)", auth: "v4+sts")
    }

    @Test func keepsExactlyTheNewestAcrossBlocksWithEveryFieldIntact() {
        let journal = RequestJournal(capacity: 5_000)
        let keyOf = { (n: UInt64) in "segments/é-\(n)-" + String(repeating: "k", count: Int(n % 40)) }
        for _ in 0..<12_345 { journal.append { self.record($0, key: keyOf($0)) } }
        let kept = journal.records()
        #expect(kept.count == 5_000)
        #expect(kept.first?.sequence == 7_346 && kept.last?.sequence == 12_345)
        #expect(kept == (UInt64(7_346)...12_345).map { record($0, key: keyOf($0)) })
        #expect(journal.newest(3).map(\.sequence) == [12_343, 12_344, 12_345])
        #expect(journal.records(after: 12_000, limit: 2).map(\.sequence) == [12_001, 12_002])
        #expect(journal.records(after: 1).count == 5_000)
        // Blocks whose records all fell out went: at most one block more
        // than the same records take when they are all a journal holds.
        let fresh = RequestJournal(capacity: 5_000)
        for record in kept { fresh.append { _ in record } }
        #expect(journal.storedBytes <= fresh.storedBytes + RequestJournal.blockBytes * 11 / 10,
                "\(journal.storedBytes) vs \(fresh.storedBytes)")
        // Smaller than the records as structs (144 bytes), before counting the heap strings of their keys and addresses.
        #expect(fresh.storedBytes < kept.count * MemoryLayout<RequestRecord>.stride, "\(fresh.storedBytes)")
    }

    @Test func aRecordLargerThanABlockIsKeptWhole() {
        let journal = RequestJournal(capacity: 3)
        let huge = String(repeating: "x", count: RequestJournal.blockBytes + 10)
        journal.append { self.record($0, key: nil) }
        journal.append { self.record($0, key: huge) }
        journal.append { self.record($0, key: "after") }
        #expect(journal.records().map(\.key) == [nil, huge, "after"])
    }

    @Test func capacityZeroKeepsNoRecordsButCountsEveryRequest() {
        let journal = RequestJournal(capacity: 0)
        for _ in 0..<10 { journal.append { self.record($0, key: "k") } }
        #expect(journal.records().isEmpty && journal.newest(5).isEmpty && journal.storedBytes == 0)
        #expect(journal.counts()["PutObject"]?.values.reduce(0, +) == 10)
    }
}
