import Foundation
import OSSProtocol
import Testing
@testable import Emulator
import Publisher

@Suite struct InProcessAPITests {
    @Test func publishAwaitStatVODResetStop() async throws {
        let test = try TestEmulator(configure: { $0.buckets = [BucketSpec(name: "kept")] })
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let created = try await test.send(
            "PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)], body: channelConfiguration(fragDuration: 1))
        #expect(created.status == 200, "\(created.text)")

        try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam")
        let started = try await emulator.waitForPublishStarted(bucket: "bkt", channel: "cam")
        let segments = try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 3)
        let ended = try await emulator.waitForPublishEnded(bucket: "bkt", channel: "cam")
        #expect(started.sequence < segments[0].sequence)
        #expect(segments.map(\.sequence) == segments.map(\.sequence).sorted())
        #expect(segments.last!.sequence < ended.sequence)
        guard case .publishStarted(_, _, _, let playlistKey) = started.event else { Issue.record("\(started)"); return }
        #expect(playlistKey == "cam/playlist.m3u8")

        // Every event of the push, in order: segments each followed by the playlist naming them, then the end.
        let all = emulator.recentEvents().filter { $0.event.channel == "cam" }
        let names = all.map(\.event.name)
        #expect(names.first == "publish-started")
        #expect(names.last == "publish-ended")
        var written: [String] = []
        var durations: [Int64] = []
        for (index, record) in all.enumerated() {
            guard case .segmentWritten(_, _, let key, let duration, let size) = record.event else { continue }
            written.append(key)
            durations.append(duration)
            #expect(size > 0 && size % 188 == 0)
            #expect(all[index + 1].event == .playlistUpdated(bucket: "bkt", channel: "cam", key: "cam/playlist.m3u8", ended: false))
        }
        #expect(written.count == 3)  // keyframes every 2 s
        #expect(abs(durations.reduce(0, +) - 6000) < 200, "\(durations)")
        let endedPlaylist = all.filter { $0.event == .playlistUpdated(bucket: "bkt", channel: "cam", key: "cam/playlist.m3u8", ended: true) }
        #expect(endedPlaylist.count == 1)

        // The objects the events name exist; stat and history agree.
        let first = try await test.send("GET", bucket: "bkt", key: written[0])
        #expect(first.status == 200)
        #expect(first.body.first == 0x47)
        let stat = try await test.send("GET", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil), QueryItem(name: "comp", value: "stat")])
        #expect(stat.text.contains("<Status>Idle</Status>"))
        let history = try await test.send("GET", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil), QueryItem(name: "comp", value: "history")])
        #expect(history.text.components(separatedBy: "<LiveRecord>").count == 2)

        // VOD over the push's time span lists exactly the written segments.
        let now = Int64(Date().timeIntervalSince1970)
        let vod = try await test.send("GET", bucket: "bkt", key: "cam", query: [
            QueryItem(name: "vod", value: nil), QueryItem(name: "startTime", value: String(now - 600)),
            QueryItem(name: "endTime", value: String(now + 60)),
        ])
        #expect(vod.status == 200)
        let listed = vod.text.split(separator: "\n").filter { $0.hasSuffix(".ts") }.map { "cam/" + $0 }
        #expect(listed == written)

        // Reset: back to the configured state, a fresh history.
        let beforeReset = emulator.lastEventSequence
        try emulator.reset()
        #expect(emulator.store!.listBuckets().map(\.name) == ["kept"])
        #expect(try await test.send("GET", bucket: "bkt", key: written[0]).status == 404)
        let afterReset = emulator.recentEvents()
        #expect(afterReset.map(\.event) == [.reset])
        #expect(afterReset[0].sequence == beforeReset + 1)

        // Stop: streams end, waits report it, no endpoints.
        let stream = emulator.events
        emulator.stop()
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        #expect(emulator.endpoints == nil)
        await #expect(throws: EmulatorWaitError.stopped(waitingFor: "1 segments of bkt/cam")) {
            try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 1, after: emulator.lastEventSequence)
        }
    }

    @Test func testingConfigurationStartsOnFreePortsWithItsStateAndCleansUp() async throws {
        let emulator = Emulator(configuration: .testing(
            credentials: [Credential(accessKeyId: "id-1", accessKeySecret: "secret-1")],
            buckets: [BucketSpec(name: "open", acl: .publicRead)], channels: [ChannelSpec(bucket: "media", name: "cam")]))
        let endpoints = try emulator.start()
        #expect(endpoints.httpPort != 0 && endpoints.rtmpPort != 0 && endpoints.httpPort != endpoints.rtmpPort)
        #expect(endpoints.http == "http://127.0.0.1:\(endpoints.httpPort)")
        #expect(emulator.configuration.credentials.map(\.accessKeyId) == ["id-1"])
        #expect(emulator.store!.listBuckets().map(\.name) == ["media", "open"])
        #expect(try emulator.channels!.record(bucket: "media", name: "cam").configuration.status == .enabled)
        #expect(FileManager.default.fileExists(atPath: endpoints.dataDirectory))
        emulator.stop()
        #expect(!FileManager.default.fileExists(atPath: endpoints.dataDirectory))
    }

    @Test func refusedPublishIsAnEventWithItsReason() async throws {
        let emulator = try startEmulator { $0.buckets = [BucketSpec(name: "bkt")] }
        defer { emulator.stop() }
        let error = await #expect(throws: PublishError.self) {
            try await emulator.publish(file: fixturePath("audio-only-48k-mono.flv"), bucket: "bkt", channel: "missing")
        }
        #expect(error?.serverDescription?.hasPrefix("NoSuchLiveChannel") == true, "\(String(describing: error))")
        let refused = try await emulator.waitForPublishRefused(bucket: "bkt", channel: "missing")
        guard case .publishRefused(_, _, let remote, let reason) = refused.event else { Issue.record("\(refused)"); return }
        #expect(reason.hasPrefix("NoSuchLiveChannel"))
        #expect(remote.hasPrefix("127.0.0.1:"))
    }

    /// As over HTTP, a private bucket authorises before it looks anything up:
    /// an unsigned publish cannot tell which channels exist.
    @Test func unsignedPublishOnAPrivateBucketDoesNotRevealChannels() async throws {
        let emulator = try startEmulator {
            $0.buckets = [BucketSpec(name: "bkt")]
            $0.channels = [ChannelSpec(bucket: "bkt", name: "cam")]
        }
        defer { emulator.stop() }
        let flv = try Array(Data(contentsOf: URL(fileURLWithPath: fixturePath("audio-only-48k-mono.flv"))))
        var reasons: [String] = []
        for channel in ["cam", "missing"] {
            let error = await #expect(throws: PublishError.self) {
                try await PublishRun.publish(flv: flv, url: "\(emulator.endpoints!.rtmp)/bkt/live/\(channel)")
            }
            reasons.append(error?.serverDescription ?? "")
        }
        #expect(reasons.allSatisfy { $0.hasPrefix("AccessDenied") }, "\(reasons)")
        #expect(reasons[0] == reasons[1].replacingOccurrences(of: "missing", with: "cam"), "\(reasons)")
        // Signed, the missing channel is named as such.
        let signed = await #expect(throws: PublishError.self) {
            try await emulator.publish(file: fixturePath("audio-only-48k-mono.flv"), bucket: "bkt", channel: "missing")
        }
        #expect(signed?.serverDescription?.hasPrefix("NoSuchLiveChannel") == true)
    }

    @Test func waitTimesOutWithWhatItSaw() async throws {
        let emulator = try startEmulator()
        defer { emulator.stop() }
        try emulator.reset()
        await #expect(throws: EmulatorWaitError.timedOut(waitingFor: "2 resets", seen: [emulator.recentEvents()[0]])) {
            try await emulator.waitForEvents("2 resets", count: 2, timeout: .milliseconds(50)) { $0 == .reset }
        }
    }

    @Test func eventsStreamSeesNewEventsInOrder() async throws {
        let emulator = try startEmulator()
        defer { emulator.stop() }
        let stream = emulator.events
        try emulator.reset()
        try emulator.reset()
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(first?.event == .reset)
        #expect(second?.event == .reset)
        #expect(second!.sequence == first!.sequence + 1)
        // Started after both: only the kept one (the history starts at the last reset).
        #expect(emulator.recentEvents().map(\.sequence) == [second!.sequence])
    }

    @Test func publishURLIsSignedUnlessTheBucketIsPublicReadWrite() throws {
        let emulator = try startEmulator {
            $0.buckets = [BucketSpec(name: "open", acl: .publicReadWrite), BucketSpec(name: "closed")]
        }
        defer { emulator.stop() }
        let rtmp = emulator.endpoints!.rtmp
        #expect(try emulator.publishURL(bucket: "open", channel: "c") == "\(rtmp)/open/live/c")
        let signed = try emulator.publishURL(bucket: "closed", channel: "c", playlistName: "x.m3u8")
        #expect(signed.hasPrefix("\(rtmp)/closed/live/c?playlistName=x.m3u8&OSSAccessKeyId=\(TestEmulator.keyId)&Expires="))
        #expect(signed.contains("&Signature="))
    }
}
