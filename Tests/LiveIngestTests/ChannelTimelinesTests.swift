import LiveIngest
import MediaFormats
import Testing

@Suite struct ChannelTimelinesTests {
    @Test func removeAllForgetsEveryChannel() {
        let timelines = ChannelTimelines()
        let end = ChannelTimelines.End(time: 90_000, continuity: TSContinuity())
        timelines.record(bucket: "b", channel: "one", end: end)
        timelines.record(bucket: "b", channel: "two", end: end)
        #expect(timelines.end(bucket: "b", channel: "one") == end)
        timelines.removeAll()
        #expect(timelines.end(bucket: "b", channel: "one") == nil)
        #expect(timelines.end(bucket: "b", channel: "two") == nil)
    }
}
