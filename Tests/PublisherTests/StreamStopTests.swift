import Dispatch
@testable import Publisher
import Locking
import RTMP
import Testing
import Transport

@Suite struct StreamStopTests {
    /// `stop()` closes a stream still waiting for the publish answer; the close
    /// callback comes a turn of the queue later. A pacing tick that runs in
    /// between, past the publish deadline, must not turn the stop into a
    /// publish timeout.
    @Test func aTickBetweenStopAndTheCloseKeepsTheStopAsTheOutcome() async throws {
        let server = try RTMPTestServer { _ in .silent }
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("audio-only-48k-mono.flv"))
        let connector = TCPConnector(queueCount: 1, label: "test.stream-stop")
        let outcome = Locked<StreamOutcome?>(nil)
        let stream = StreamPublisher(
            number: 1, url: try PublishURL(parsing: server.url("cam")), media: media,
            options: PublishOptions(), totals: PublishTotals(),
            onDone: { _, result in outcome.withLock { $0 = result } })
        stream.start(connector: connector) { _, _ in }
        #expect(await eventually { server.publishes.count == 1 })
        connector.connectionQueues[0].sync {
            stream.stop()
            stream.tick(now: .now + RTMPLimits.default.publishTimeout + .seconds(1))
        }
        #expect(await eventually { outcome.withLock { $0 } != nil })
        #expect(outcome.withLock { $0 } == .failed(.stoppedBeforePublish("the server had not answered publish")))
    }
}
