import Testing
@testable import LiveIngest

@Suite struct RateHistoryTests {
    @Test func keepsEachCompletedSecondAndCountsSilenceAsZero() {
        var history = RateHistory()
        history.add(100, nowMilliseconds: 1_000)
        history.add(50, nowMilliseconds: 1_900)
        history.add(70, nowMilliseconds: 2_100)
        // The current second (2) is not complete yet.
        #expect(history.samples(nowMilliseconds: 2_500) == [150])
        // Seconds 3 and 4 had nothing.
        #expect(history.samples(nowMilliseconds: 5_000) == [150, 70, 0, 0])
    }

    @Test func keepsOnlyTheNewestSeconds() {
        var history = RateHistory()
        for second in 0..<(RateHistory.capacitySeconds + 20) {
            history.add(second, nowMilliseconds: Int64(second) * 1000)
        }
        let samples = history.samples(nowMilliseconds: Int64(RateHistory.capacitySeconds + 20) * 1000)
        #expect(samples.count == RateHistory.capacitySeconds)
        #expect(samples.last == Int64(RateHistory.capacitySeconds + 19))
        // A long silence never grows it past the capacity.
        #expect(history.samples(nowMilliseconds: 10_000_000).count == RateHistory.capacitySeconds)
    }
}
