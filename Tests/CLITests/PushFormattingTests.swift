import Foundation
import Testing
@testable import oss_live_emulator

@Suite struct PushFormattingTests {
    @Test func clockIsHoursMinutesSecondsTenths() {
        #expect(PushRun.clock(0) == "0:00:00.0")
        #expect(PushRun.clock(6_049) == "0:00:06.0")
        #expect(PushRun.clock(3_723_456) == "1:02:03.4")
        #expect(PushRun.clock(-5) == "0:00:00.0")
    }

    @Test func figuresPrintAsPrintfWould() {
        for value in [0, 0.4, 0.5, 0.6, 1.5, 2.5, 1.25, 1.35, 12.345, 0.125, 999.96, 999.995, 1234.5678, 98_765.4321, 1e7 / 3] {
            for decimals in 0...3 {
                #expect(PushRun.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value)")
            }
        }
        #expect(PushRun.bitrate(812_400) == "812 kbit/s")
        #expect(PushRun.bitrate(5_649_000) == "5.6 Mbit/s")
        #expect(PushRun.bitrate(12_345_000_000) == "12.35 Gbit/s")
        #expect(PushRun.bitrate(0) == "0 kbit/s")
    }
}
