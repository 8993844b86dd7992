import Foundation
import Publisher
import RTMP
import Testing

/// Polls `condition` until it holds or `limit` passes.
func eventually(within limit: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite struct PublishRunTests {
    @Test func publishSendsEveryTagThenUnpublishes() async throws {
        let server = try RTMPTestServer()
        defer { server.close() }
        let bytes = try fixture("av-640x360-30fps.flv")
        let media = try PublishMedia(flv: bytes)
        try await PublishRun.publish(flv: bytes, url: server.url("cam?playlistName=a.m3u8"))
        #expect(await eventually { server.publishes.first?.unpublished == true })
        let publish = try #require(server.publishes.first)
        #expect(publish.app == "app/live" && publish.streamName == "cam?playlistName=a.m3u8")
        #expect(publish.video == media.tags.filter { $0.type == .video }.count)
        #expect(publish.audio == media.tags.filter { $0.type == .audio }.count)
        #expect(publish.data == 1)
        #expect(publish.lastTimestamp == media.tags.map(\.time).max())
    }

    @Test func aRefusalCarriesTheServersDescription() async throws {
        let server = try RTMPTestServer { _ in .reject(.denied, "AccessDenied: the signature does not match") }
        defer { server.close() }
        let error = await #expect(throws: PublishError.self) {
            try await PublishRun.publish(flv: try fixture("audio-only-48k-mono.flv"), url: server.url("cam"))
        }
        #expect(error == .refused(code: "NetStream.Publish.Denied", description: "AccessDenied: the signature does not match"))
        #expect(error?.serverDescription == "AccessDenied: the signature does not match")
        #expect(error?.description
            == "refused by the server: AccessDenied: the signature does not match (NetStream.Publish.Denied)")
    }

    @Test func anErrorStatusWhilePublishingStopsTheStream() async throws {
        let server = try RTMPTestServer { _ in .terminateAfter(messages: 5, description: "LiveChannelDisabled") }
        defer { server.close() }
        let error = await #expect(throws: PublishError.self) {
            try await PublishRun.publish(flv: try fixture("av-640x360-30fps.flv"), url: server.url("cam"), realtime: true)
        }
        #expect(error == .stoppedByServer(code: "NetStream.Publish.Denied", description: "LiveChannelDisabled"))
        #expect(error?.description.hasPrefix("stopped by the server: LiveChannelDisabled") == true)
    }

    @Test func aServerThatHangsUpFailsThePublish() async throws {
        let server = try RTMPTestServer { _ in .dropAfter(messages: 5) }
        defer { server.close() }
        await #expect(throws: PublishError.closedByServer) {
            try await PublishRun.publish(flv: try fixture("av-640x360-30fps.flv"), url: server.url("cam"), realtime: true)
        }
    }

    @Test func unusableInputFailsBeforeConnecting() async throws {
        await #expect(throws: PublishError.badURL(.notRTMP("http"))) {
            try await PublishRun.publish(flv: try fixture("audio-only-48k-mono.flv"), url: "http://127.0.0.1/a/b")
        }
        await #expect(throws: PublishError.badMedia(.noMedia)) {
            try await PublishRun.publish(flv: [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0], url: "rtmp://127.0.0.1/a/b")
        }
    }

    @Test func nothingListeningIsAConnectFailure() async throws {
        // A port just released by a listener of our own: nothing listens there.
        let server = try RTMPTestServer()
        let url = server.url("cam")
        server.close()
        try await Task.sleep(for: .milliseconds(50))
        let error = await #expect(throws: PublishError.self) {
            try await PublishRun.publish(flv: try fixture("audio-only-48k-mono.flv"), url: url)
        }
        guard case .connectFailed(let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("Connection refused"))
    }

    @Test func manyStreamsOnFewQueuesEachReportTheirOutcome() async throws {
        let server = try RTMPTestServer { name in name == "c3" ? .reject(.badName, "LiveChannelLive") : .accept }
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("video-only-320x240-25fps.flv"))
        let urls = try (1...6).map { try PublishURL(parsing: PublishURL.expand(server.url("c{n}"), number: $0)) }
        let run = PublishRun(media: media, urls: urls, options: PublishOptions(queueCount: 2))
        run.start()
        let report = await run.completion()
        var expected = Array(repeating: StreamOutcome.finished, count: 6)
        expected[2] = .failed(.refused(code: "NetStream.Publish.BadName", description: "LiveChannelLive"))
        #expect(report.outcomes == expected)
        #expect(report.failed)
        #expect(report.totals.everPublished == 5 && report.totals.finished == 5 && report.totals.failed == 1)
        #expect(report.totals.connecting == 0 && report.totals.publishing == 0)
        #expect(report.totals.bytesSent > 5 * media.payloadBytes)
        #expect(run.totals.failureMessages == ["stream 3 (\(server.url("c3"))): refused by the server: LiveChannelLive (NetStream.Publish.BadName)"])
        #expect(await eventually { server.publishes.filter(\.unpublished).count == 5 })
        #expect(Set(server.publishes.map(\.streamName)) == Set((1...6).map { "c\($0)" }))
        // A finished run reports at once to late listeners.
        #expect(run.wait() == report)
    }

    @Test func stopUnpublishesLoopingStreams() async throws {
        let server = try RTMPTestServer()
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("baseline-480x270-29.97fps.flv"))
        let videoTags = media.tags.filter { $0.type == .video }.count
        let urls = try [PublishURL(parsing: server.url("fast")), PublishURL(parsing: server.url("paced"))]
        let run = PublishRun(media: media, urls: urls, options: PublishOptions(realtime: false, loop: true))
        let paced = PublishRun(media: media, urls: [urls[1]], options: PublishOptions(realtime: true, loop: true))
        run.start()
        paced.start()
        // The fast one loops a few times; set-up tags go out once.
        #expect(await eventually(within: .seconds(30)) {
            (server.publishes.first { $0.streamName == "fast" }?.video ?? 0) > 2 * videoTags
        })
        #expect(await eventually { paced.totals.snapshot().mediaMilliseconds > 200 })
        run.stop()
        paced.stop()
        let pacedWall = ContinuousClock.now - paced.started
        let report = await run.completion()
        let pacedReport = await paced.completion()
        #expect(report.outcomes.first == .finished && pacedReport.outcomes == [.finished])
        #expect(!report.failed && !pacedReport.failed)
        #expect(await eventually { server.publishes.allSatisfy(\.unpublished) })
        let fast = try #require(server.publishes.first { $0.streamName == "fast" })
        #expect(fast.data == 1)
        #expect(fast.lastTimestamp > 2 * media.loopSpan)
        // Paced: never ahead of the wall clock (one pacing tick of slack).
        let wallMilliseconds = Int(pacedWall.components.seconds) * 1000 + Int(pacedWall.components.attoseconds / 1_000_000_000_000_000)
        #expect(pacedReport.totals.mediaMilliseconds <= wallMilliseconds + 20)
        #expect(pacedReport.totals.mediaMilliseconds > 200)
    }

    @Test func stopBeforeThePublishIsAnswered() async throws {
        let server = try RTMPTestServer { _ in .silent }
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("audio-only-48k-mono.flv"))
        // The stop must reach the stream before its own publish timeout ends
        // it. When the whole suite runs, blocking tests can keep this task off
        // the cooperative threads for tens of seconds, past the default 30 s.
        var limits = RTMPLimits.default
        limits.publishTimeout = .seconds(600)
        let run = PublishRun(media: media, urls: [try PublishURL(parsing: server.url("cam"))], options: PublishOptions(limits: limits))
        run.start()
        #expect(await eventually { server.publishes.count == 1 })
        run.stop()
        let report = await run.completion()
        #expect(report.outcomes == [.failed(.stoppedBeforePublish("the server had not answered publish"))])
        #expect(report.totals.everPublished == 0 && report.totals.connecting == 0 && report.totals.failed == 1)
    }

    @Test func streamsNotYetStartedAreDroppedOnStop() async throws {
        let server = try RTMPTestServer { _ in .silent }
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("audio-only-48k-mono.flv"))
        let urls = try (1...50).map { try PublishURL(parsing: PublishURL.expand(server.url("s{n}"), number: $0)) }
        // One a second: stopping at once leaves all but the first (or, on a
        // loaded machine, the second) unstarted.
        let run = PublishRun(media: media, urls: urls, options: PublishOptions(connectRate: 1))
        run.start()
        run.stop()
        let report = await run.completion()
        let notStarted = report.outcomes.filter { $0 == .notStarted }.count
        #expect(notStarted >= 48)
        for outcome in report.outcomes where outcome != .notStarted {
            guard case .failed(.stoppedBeforePublish) = outcome else { Issue.record("\(outcome)"); continue }
        }
        #expect(report.totals.failed == 50 - notStarted)
    }

    @Test func failureMessagesAreKeptUpToTheLimitAndCountedBeyond() async throws {
        let server = try RTMPTestServer { _ in .reject(.denied, "AccessDenied") }
        defer { server.close() }
        let media = try PublishMedia(flv: try fixture("audio-only-48k-mono.flv"))
        let count = PublishTotals.maxKeptFailures + 5
        let urls = try (1...count).map { try PublishURL(parsing: PublishURL.expand(server.url("s{n}"), number: $0)) }
        let run = PublishRun(media: media, urls: urls, options: PublishOptions(queueCount: 2))
        run.start()
        let report = await run.completion()
        #expect(report.totals.failed == count)
        #expect(run.totals.failureMessages.count == PublishTotals.maxKeptFailures)
        #expect(run.totals.failureMessages.allSatisfy { $0.hasSuffix("refused by the server: AccessDenied (NetStream.Publish.Denied)") })
    }

    @Test func optionsKeepRatesAndQueuesPositive() {
        let options = PublishOptions(connectRate: 0, queueCount: -3)
        #expect(options.connectRate == 1 && options.queueCount == 1)
        #expect(PublishOptions().connectRate == PublishOptions.defaultConnectRate)
        #expect(PublishOptions().stopGrace == PublishOptions.defaultStopGrace)
        #expect(PublishRun.lagLimit == .seconds(1))
    }

    @Test func anEmptyRunCompletesAtOnce() async {
        let media = try? PublishMedia(flv: try fixture("audio-only-48k-mono.flv"))
        guard let media else { Issue.record("fixture"); return }
        let run = PublishRun(media: media, urls: [], options: PublishOptions())
        run.start()
        let report = await run.completion()
        #expect(report.outcomes.isEmpty && !report.failed)
    }
}
