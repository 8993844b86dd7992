import Foundation
import Testing
@testable import Emulator

@Suite struct EmulatorClockTests {
    @Test func theClockMovesDatesAndAnnouncesItself() async throws {
        let test = try TestEmulator(configure: { $0.clockOffsetMilliseconds = 86_400_000 })
        let emulator = test.emulator
        let real = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(emulator.clock.nowMilliseconds - real - 86_400_000) < 5_000)
        emulator.clock.advance(seconds: 3600)
        #expect(abs(emulator.clock.offsetMilliseconds - 90_000_000) < 5)
        // Header-signed requests still pass the skew check; the object is dated by the emulator's clock.
        #expect(try await test.send("PUT", bucket: "clockb").status == 200)
        // Bounded by the real time around the PUT (a loaded machine may take long to send it).
        let before = Int64(Date().timeIntervalSince1970) + 90_000
        #expect(try await test.send("PUT", bucket: "clockb", key: "k", body: [1]).status == 200)
        let after = Int64(Date().timeIntervalSince1970) + 90_000
        let info = try #require(try emulator.store?.objectInfo(bucket: "clockb", key: "k"))
        #expect(info.lastModified / 1000 >= before - 1 && info.lastModified / 1000 <= after + 1)
        emulator.clock.set(epochMilliseconds: 1_900_000_000_000)
        #expect(abs(emulator.clock.nowMilliseconds - 1_900_000_000_000) < 5_000)
        let changes = emulator.recentEvents().compactMap { record -> Int64? in
            if case .clockChanged(_, let offset) = record.event { return offset } else { return nil }
        }
        #expect(changes.count == 2)
    }
}
