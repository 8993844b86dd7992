import Foundation
import OSSProtocol
import Testing
@testable import Emulator

@Suite struct StatusPageTests {
    @Test func pageShowsTheLiveChannelsNumbers() async throws {
        let test = try TestEmulator()
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)],
                                    body: channelConfiguration(fragDuration: 1, playlist: "live.m3u8")).status == 200)
        let page = emulator.endpoints!.http + "/_emulator/"
        let idle = try await plainRequest("GET", page)
        #expect(idle.status == 200)
        #expect(idle.header("Content-Type") == "text/html; charset=utf-8")
        #expect(idle.text.contains("<td>cam</td><td>Idle</td>"))
        // No external assets: nothing is loaded from elsewhere.
        #expect(!idle.text.contains("src="))
        #expect(!idle.text.contains("<link"))

        let publishing = Task {
            try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam", realtime: true)
        }
        try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 1)
        let live = try await plainRequest("GET", page).text
        #expect(live.contains("<span class=\"live\">Live</span> from 127.0.0.1:"))
        #expect(live.contains("640x360 30 fps"))
        #expect(live.contains("44100 Hz"))
        #expect(live.contains("1 live"))
        let segment = emulator.recentEvents().compactMap { record -> (String, Int64)? in
            if case .segmentWritten(_, _, let key, let duration, _) = record.event { return (key, duration) }
            return nil
        }[0]
        let fileName = String(segment.0.dropFirst("cam/".count))
        #expect(live.contains("\(fileName) (\(StatusPage.formatMilliseconds(segment.1)) s)"))
        // The play link is signed (private bucket) and plays.
        let hrefStart = try #require(live.range(of: "<a href=\""))
        let hrefEnd = try #require(live[hrefStart.upperBound...].firstIndex(of: "\""))
        let link = String(live[hrefStart.upperBound..<hrefEnd]).replacingOccurrences(of: "&amp;", with: "&")
        #expect(link.hasPrefix(emulator.endpoints!.http + "/bkt/cam/live.m3u8?OSSAccessKeyId=\(TestEmulator.keyId)&Expires="))
        let playlist = try await plainRequest("GET", link)
        #expect(playlist.status == 200)
        #expect(playlist.text.contains(fileName))
        try await publishing.value
        try await emulator.waitForPublishEnded(bucket: "bkt", channel: "cam")
        let ended = try await plainRequest("GET", page).text
        #expect(ended.contains("<td>cam</td><td>Idle</td>"))
        #expect(ended.contains("<td>3</td>"))  // segments
        #expect(ended.contains("publish-ended"))
    }

    @Test func pageShowsTheClockFaultRulesAndRecentRequests() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "pagebkt").status == 200)
        #expect(try await test.send("GET", bucket: "pagebkt", key: "missing").status == 404)
        test.emulator.clock.advance(seconds: 90)
        try test.emulator.faults.add(FaultRule(operation: "GetObject", bucket: "page*", delayMilliseconds: 250, times: 3))
        let page = try await plainRequest("GET", test.endpoints.http + "/_emulator/").text
        #expect(page.contains("offset 90.0 s"), "\(page)")
        #expect(page.contains("1 fault rule active") && page.contains("delay 250 ms") && page.contains("GetObject page*"))
        #expect(page.contains("404 NoSuchKey") && page.contains("pagebkt/missing"))
        #expect(page.contains("1 bucket,"))
    }

    @Test func namesAreEscaped() {
        #expect(StatusPage.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(StatusPage.formatMilliseconds(2002) == "2.002")
        #expect(StatusPage.formatMilliseconds(40) == "0.040")
    }
}
