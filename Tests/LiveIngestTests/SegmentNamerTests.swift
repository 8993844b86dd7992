import LiveIngest
import Testing

@Test func segmentNamesIncreaseWhenTheClockStandsStillOrStepsBack() {
    let namer = SegmentNamer()
    #expect(namer.next(bucket: "b", channel: "c", now: 1000) == 1000)
    #expect(namer.next(bucket: "b", channel: "c", now: 1000) == 1001)
    #expect(namer.next(bucket: "b", channel: "c", now: 900) == 1002)
    #expect(namer.next(bucket: "b", channel: "other", now: 900) == 900)
    namer.observe(bucket: "b", channel: "c", name: 5000)
    #expect(namer.next(bucket: "b", channel: "c", now: 1200) == 5001)
}
