import LiveIngest
import MediaFormats
import Testing

@Suite struct ChannelTimelinesTests {
    @Test func removeAllForgetsEveryChannel() {
        let timelines = ChannelTimelines()
        let end = RemuxContinuity(counters: TSContinuity(), nextDTS: 90_000)
        timelines.record(bucket: "b", channel: "one", end: end)
        timelines.record(bucket: "b", channel: "two", end: end)
        #expect(timelines.end(bucket: "b", channel: "one") == end)
        timelines.removeAll()
        #expect(timelines.end(bucket: "b", channel: "one") == nil)
        #expect(timelines.end(bucket: "b", channel: "two") == nil)
    }
}
