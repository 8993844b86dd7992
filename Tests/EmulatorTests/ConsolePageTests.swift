import Foundation
import OSSProtocol
import Testing
@testable import Emulator
import Console

@Suite struct ConsolePageTests {
    @Test func pageShowsTheLiveChannelsDetailsAndPlaysPrivatePlaylists() async throws {
        let test = try TestEmulator()
        let emulator = test.emulator
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "cam", query: [QueryItem(name: "live", value: nil)],
                                    body: channelConfiguration(fragDuration: 1, playlist: "live.m3u8")).status == 200)
        let base = emulator.endpoints!.http
        let page = base + "/_emulator/"
        let idle = try await plainRequest("GET", page)
        #expect(idle.status == 200)
        #expect(idle.header("Content-Type") == "text/html; charset=utf-8")
        #expect(idle.text.contains("id=\"ch-bkt/cam-head\" data-live data-state=\"idle\""))
        #expect(idle.text.contains("1 bucket, 1 channel,"))
        // Nothing is loaded from elsewhere: no external script, style or image.
        #expect(!idle.text.contains("src=\"http") && !idle.text.contains("<script src"))
        #expect(!idle.text.contains("<link rel=\"stylesheet\""))
        #expect(idle.text.contains("<meta name=\"viewport\""))

        let publishing = Task {
            try await emulator.publish(file: fixturePath("av-640x360-30fps.flv"), bucket: "bkt", channel: "cam", realtime: true)
        }
        // The first segment leaves 4 of the fixture's 6 s to read the page while the push is live.
        try await emulator.waitForSegments(bucket: "bkt", channel: "cam", count: 1)
        let live = try await plainRequest("GET", page).text
        #expect(live.contains("data-state=\"live\" data-codecs=\"avc1.4d401e,mp4a.40.2\""), "\(live)")
        #expect(live.contains("from 127.0.0.1:"))
        #expect(live.contains("<b class=\"res\">640x360</b>") && live.contains("<b class=\"fps\">30 fps</b>"))
        #expect(live.contains("H.264 Main 3.0"))
        #expect(live.contains("AAC-LC 44.1 kHz stereo"))
        #expect(live.contains("kbit/s</b>"))
        #expect(live.contains("key frames</dt><dd>every "))
        #expect(live.contains("<span class=\"live\">1 live</span>"))
        let segment = emulator.recentEvents().compactMap { record -> (String, Int64, Int)? in
            if case .segmentWritten(_, _, let key, let duration, let size) = record.event { return (key, duration, size) }
            return nil
        }[0]
        let fileName = String(segment.0.dropFirst("cam/".count))
        #expect(live.contains("\(fileName)</a> <span class=\"muted\">\(ConsoleFormat.seconds(milliseconds: segment.1)) s, "
                              + ConsoleFormat.bytes(Int64(segment.2))))
        // The bucket browser lists the channel's folder, and the folder its segments.
        #expect(live.contains("href=\"/_emulator/?bucket=bkt&amp;prefix=cam/\">cam/</a>"))
        let folder = try await plainRequest("GET", page + "?bucket=bkt&prefix=cam/").text
        #expect(folder.contains(">\(fileName)</a></td><td>"))
        #expect(folder.contains("video/MP2T"))
        // The no-script play link is signed (private bucket) and plays.
        let hrefStart = try #require(live.range(of: "<noscript><p><a href=\""))
        let hrefEnd = try #require(live[hrefStart.upperBound...].firstIndex(of: "\""))
        let link = String(live[hrefStart.upperBound..<hrefEnd]).replacingOccurrences(of: "&amp;", with: "&")
        #expect(link.hasPrefix(base + "/bkt/cam/live.m3u8?OSSAccessKeyId=\(TestEmulator.keyId)&Expires="))
        #expect(try await plainRequest("GET", link).text.contains(fileName))
        // The player's playlist: the admin endpoint signs every segment URL in it.
        #expect(live.contains("data-play=\"/_emulator/play/bkt/cam/live.m3u8\""))
        let signed = try await plainRequest("GET", base + "/_emulator/play/bkt/cam/live.m3u8")
        #expect(signed.status == 200)
        #expect(signed.header("Content-Type") == "application/vnd.apple.mpegurl")
        let uris = signed.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(!uris.isEmpty)
        for uri in uris {
            #expect(uri.hasPrefix(base + "/bkt/cam/") && uri.contains("&Signature="))
            let fetched = try await plainRequest("GET", String(uri))
            #expect(fetched.status == 200 && fetched.header("Content-Type") == "video/MP2T")
        }
        // Unsigned, the same segment is refused: the signature is what lets the player in.
        #expect(try await plainRequest("GET", base + "/bkt/" + segment.0).status == 403)
        try await publishing.value
        try await emulator.waitForPublishEnded(bucket: "bkt", channel: "cam")
        let ended = try await plainRequest("GET", page).text
        #expect(ended.contains("data-state=\"idle\""))
        #expect(ended.contains("1 earlier push</summary>"))
        #expect(ended.contains("<span class=\"type t-publish-ended\">publish-ended</span> bkt/cam: push ended"))
        // playlist-updated is folded out of the list by default, and listed when asked for.
        #expect(ended.contains("data-type=\"playlist-updated\" data-channel=\"bkt/cam\" hidden>"))
        let typed = try await plainRequest("GET", page + "?type=playlist-updated").text
        #expect(typed.contains("data-type=\"playlist-updated\" data-channel=\"bkt/cam\"><time"))
        // A VOD playlist of the push, signed too.
        let vod = try await plainRequest("GET", base + "/_emulator/vod/bkt/cam.m3u8?start=0&end=\(Int64.max / 2000)")
        #expect(vod.status == 200 && vod.text.contains("#EXT-X-ENDLIST") && vod.text.contains("&Signature="))
        #expect(try await plainRequest("GET", base + "/_emulator/vod/bkt/cam.m3u8?start=x").status == 400)
        #expect(try await plainRequest("GET", base + "/_emulator/play/bkt/none.m3u8").status == 404)
    }

    @Test func faviconIsServedAtTheRootAndUnderTheEmulator() async throws {
        let test = try TestEmulator()
        for path in ["/favicon.ico", "/_emulator/favicon.ico"] {
            let icon = try await plainRequest("GET", test.endpoints.http + path)
            #expect(icon.status == 200)
            #expect(icon.header("Content-Type") == "image/svg+xml")
            #expect(icon.text.hasPrefix("<svg"))
        }
    }

    @Test func pageShowsTheClockFaultRulesAndRecentRequests() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "pagebkt").status == 200)
        #expect(try await test.send("GET", bucket: "pagebkt", key: "missing").status == 404)
        test.emulator.clock.advance(seconds: 90)
        try test.emulator.faults.add(FaultRule(operation: "GetObject", bucket: "page*", delayMilliseconds: 250, times: 3))
        let page = try await plainRequest("GET", test.endpoints.http + "/_emulator/").text
        #expect(page.contains("offset 90 s"), "\(page)")
        #expect(page.contains("1 fault rule active") && page.contains("delay 250 ms") && page.contains("GetObject page*"))
        #expect(page.contains("404 NoSuchKey") && page.contains("pagebkt/missing"))
        #expect(page.contains("1 bucket, 0 channels,"))
        #expect(page.contains("pagebkt <span class=\"muted\">private · 0 objects</span>"))
    }
}
