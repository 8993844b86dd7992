import Testing
@testable import Console
import OSSProtocol

@Suite struct ConsoleFormatTests {
    @Test func escapesAndPlurals() {
        #expect(ConsoleFormat.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(ConsoleFormat.plural(1, "bucket") == "1 bucket")
        #expect(ConsoleFormat.plural(0, "bucket") == "0 buckets")
        #expect(ConsoleFormat.plural(2, "earlier push", "earlier pushes") == "2 earlier pushes")
        #expect(ConsoleFormat.seconds(milliseconds: 2002) == "2.002")
        #expect(ConsoleFormat.seconds(milliseconds: 40) == "0.040")
    }
}

@Suite struct ConsoleLinksTests {
    let links = ConsoleLinks(host: "127.0.0.1:8080", credential: Credential(accessKeyId: "AK", accessKeySecret: "SK"), nowSeconds: 1_700_000_000)

    @Test func codecNamesComeFromTheSequenceHeaders() {
        let video = LiveVideoStat(width: 640, height: 360, frameRate: 30, bandwidth: 1,
                                  details: LiveVideoDetails(profileIDC: 77, constraintFlags: 0x40, levelIDC: 30,
                                                            keyFrameIntervalMilliseconds: 2000, bandwidthHistory: []))
        let audio = LiveAudioStat(bandwidth: 1, sampleRate: 44100,
                                  details: LiveAudioDetails(objectType: 2, channels: 2, bandwidthHistory: []))
        #expect(ConsoleFormat.videoCodec(video) == "H.264 Main 3.0")
        #expect(ConsoleFormat.audioCodec(audio) == "AAC-LC 44.1 kHz stereo")
        #expect(ConsoleFormat.codecs(video: video, audio: audio) == "avc1.4d401e,mp4a.40.2")
        #expect(ConsoleFormat.h264Profile(66, constraintFlags: 0xC0) == "Constrained Baseline")
        #expect(ConsoleFormat.bytes(1536) == "1.5 KiB" && ConsoleFormat.bytes(512) == "512 B")
        #expect(ConsoleFormat.kilobits(bytesPerSecond: 88_500) == 708)
    }

    @Test func privatePlaylistsGetEverySegmentSigned() {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\n100.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\n102.ts\n"
        let signed = links.signedPlaylist(text, bucket: "b", playlistKey: "cam/live.m3u8", acl: "private")
        let uris = signed.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(uris.count == 2)
        #expect(uris[0].hasPrefix("http://127.0.0.1:8080/b/cam/100.ts?OSSAccessKeyId=AK&Expires=1700003600&Signature="))
        #expect(signed.contains("#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nhttp://127.0.0.1:8080/b/cam/102.ts?"))
        // Readable by anyone: plain URLs.
        let open = links.signedPlaylist(text, bucket: "b", playlistKey: "cam/live.m3u8", acl: "public-read")
        #expect(open.contains("\nhttp://127.0.0.1:8080/b/cam/100.ts\n"))
        // The player asks the admin endpoint only when the bucket is private.
        #expect(links.player(bucket: "b", playlistKey: "cam/live.m3u8", acl: "private") == "/_emulator/play/b/cam/live.m3u8")
        #expect(links.player(bucket: "b", playlistKey: "cam/live.m3u8", acl: "public-read") == "/b/cam/live.m3u8")
    }

    @Test func publishURLsAreSignedUnlessAnyoneMayWrite() {
        #expect(links.publish(bucket: "b", channel: "cam", acl: "public-read-write") == "rtmp://127.0.0.1:8080/b/live/cam")
        let signed = links.publish(bucket: "b", channel: "cam", acl: "private")
        #expect(signed.hasPrefix("rtmp://127.0.0.1:8080/b/live/cam?OSSAccessKeyId=AK&Expires=1700003600&Signature="))
    }

    @Test func bitrateGraphAlignsTracksFromTheEnd() {
        let svg = ConsolePage.bitrateGraph(video: [100, 200, 300], audio: [10, 10])
        #expect(svg.contains("points=\"0,"))
        #expect(svg.contains("peak 2 kbit/s"))  // (300 + 10) B/s
        #expect(ConsolePage.bitrateGraph(video: [1], audio: []).isEmpty)
    }
}
