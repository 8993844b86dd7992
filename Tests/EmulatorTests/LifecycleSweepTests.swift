import Foundation
import OSSProtocol
import Testing
@testable import Emulator

@Suite struct LifecycleSweepTests {
    static let rules = """
        <LifecycleConfiguration><Rule><ID>tmp</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>\
        <Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>
        """

    @Test func runLifecycleAppliesDueRulesAndAnnouncesThem() async throws {
        let test = try TestEmulator(configure: { $0.lifecycleIntervalSeconds = 0 })
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "swept").status == 200)
        #expect(try await test.send("PUT", bucket: "swept", key: "tmp/a", body: [1]).status == 200)
        #expect(try await test.send("PUT", bucket: "swept", key: "keep/b", body: [1]).status == 200)
        let put = try await test.send("PUT", bucket: "swept", query: [QueryItem(name: "lifecycle", value: nil)], body: Array(Self.rules.utf8))
        #expect(put.status == 200)

        #expect(try emulator.runLifecycle().map(\.expired) == [0])
        emulator.clock.advance(seconds: 3 * 86_400)
        let outcomes = try emulator.runLifecycle(bucket: "swept")
        #expect(outcomes.map(\.expired) == [1])
        #expect((try? emulator.store?.objectInfo(bucket: "swept", key: "tmp/a")) == nil)
        #expect(try emulator.store?.objectInfo(bucket: "swept", key: "keep/b") != nil)
        let applied = emulator.recentEvents().compactMap { record -> Int? in
            if case .lifecycleApplied("swept", let expired, 0, 0) = record.event { return expired } else { return nil }
        }
        #expect(applied == [1])
    }
}
