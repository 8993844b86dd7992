import Foundation
import Testing
@testable import MediaFormats

/// Every fixture through HLSRemuxer, checked by FFmpeg's own tools (§8).
@Suite struct RemuxerFixtureTests {
    struct Probe: Equatable {
        var codecType: String
        var codecName: String
        var width: String
        var height: String
        var sampleRate: String
        var channels: String
    }

    static func streams(_ path: String) throws -> [Probe] {
        let r = try run("ffprobe", ["-v", "error", "-show_entries",
                                    "stream=codec_type,codec_name,width,height,sample_rate,channels",
                                    "-of", "csv=p=0:nk=0", path])
        // TS files list each stream twice: under its program and on its own.
        let lines = r.out.split(separator: "\n").filter { $0.contains("=") }
        return Set(lines).sorted().map { line in
            var f: [String: String] = [:]
            for kv in line.split(separator: "|") + line.split(separator: ",") {
                let parts = kv.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { f[String(parts[0])] = String(parts[1]) }
            }
            return Probe(codecType: f["codec_type"] ?? "", codecName: f["codec_name"] ?? "", width: f["width"] ?? "",
                         height: f["height"] ?? "", sampleRate: f["sample_rate"] ?? "", channels: f["channels"] ?? "")
        }.sorted { $0.codecType > $1.codecType }
    }

    /// (codec_type, pts, dts) per packet; times in the stream's time base.
    static func packets(_ path: String) throws -> [(type: String, pts: Int64, dts: Int64, key: Bool)] {
        let r = try run("ffprobe", ["-v", "error", "-show_entries", "packet=codec_type,pts,dts,flags",
                                    "-of", "csv=p=0", path])
        return r.out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, let pts = Int64(f[1]), let dts = Int64(f[2]) else { return nil }
            return (f[0], pts, dts, f[3].hasPrefix("K"))
        }
    }

    /// Writes the segments and a VOD playlist; returns the playlist path.
    static func write(_ segments: [FinishedSegment], to dir: URL) throws -> String {
        var entries: [HLSPlaylistEntry] = []
        for segment in segments {
            let file = "\(segment.sequence).ts"
            try Data(segment.bytes).write(to: dir.appendingPathComponent(file))
            entries.append(HLSPlaylistEntry(uri: file, duration: segment.duration))
        }
        let playlist = dir.appendingPathComponent("playlist.m3u8")
        try HLSVODPlaylist.render(entries: entries).write(to: playlist, atomically: true, encoding: .utf8)
        return playlist.path
    }

    /// ffmpeg 5.1 prints this when stream-copying any audio-only TS to TS,
    /// its own HLS output included; it is not about our bytes.
    static let knownAudioOnlyCopyNotice = "frame size not set"

    @Test(arguments: Fixtures.all)
    func fixtureRemuxesCleanly(_ name: String) throws {
        let source = Fixtures.directory.appendingPathComponent(name).path
        let (segments, _, remuxer) = try remux(try Fixtures.tags(name))
        #expect(!segments.isEmpty)
        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        let playlist = try Self.write(segments, to: dir)

        // Checks 5 and 6 of §8: nothing at warning level.
        let decode = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist, "-f", "null", "-"])
        #expect(decode.status == 0)
        #expect(decode.err == "", "\(name): \(decode.err)")
        let copy = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist, "-c", "copy",
                                      "-f", "mpegts", "-y", "/dev/null"])
        let copyWarnings = copy.err.split(separator: "\n").filter { !$0.hasSuffix(Self.knownAudioOnlyCopyNotice) }
        #expect(copyWarnings.isEmpty, "\(name): \(copy.err)")

        // Every segment decodes on its own (a player joining the live window
        // there). FFmpeg cannot even probe a file of a few packets, such as a
        // one-frame last segment; its own HLS output has the same limit.
        for segment in segments where segment.size >= 8 * TSLayout.packetSize {
            let path = dir.appendingPathComponent("\(segment.sequence).ts").path
            let alone = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", path, "-f", "null", "-"])
            #expect(alone.status == 0 && alone.err == "", "\(name) segment \(segment.sequence): \(alone.err)")
        }

        // Codecs and sizes as in the FLV, in every segment.
        let expected = try Self.streams(source)
        for segment in segments {
            #expect(try Self.streams(dir.appendingPathComponent("\(segment.sequence).ts").path) == expected,
                    "\(name) segment \(segment.sequence)")
        }

        // PIDs and PCR PID (check 2).
        let programs = try run("ffprobe", ["-v", "error", "-show_entries", "program=pmt_pid,pcr_pid",
                                           "-of", "csv=p=0", dir.appendingPathComponent("0.ts").path])
        let hasVideo = expected.contains { $0.codecType == "video" }
        #expect(programs.out.hasPrefix(hasVideo ? "4097,256" : "4097,257"), "\(programs.out)")

        // Every video segment starts with a key frame (check 3).
        if hasVideo {
            for segment in segments {
                #expect(segment.startsWithKeyframe)
                let first = try Self.packets(dir.appendingPathComponent("\(segment.sequence).ts").path)
                    .first { $0.type == "video" }
                #expect(first?.key == true)
            }
        }

        // Packet timestamps equal the FLV's up to one constant offset.
        // Per segment: FFmpeg's HLS demuxer repeats the first packet in
        // ffprobe's listing (it does so for FFmpeg's own HLS output too).
        // Audio more than `audioLeadMs` older than the first key frame is dropped by design (§4.4).
        let allFLV = try Self.packets(source)
        let firstVideo = allFLV.first { $0.type == "video" }?.dts ?? Int64.min
        let lead = HLSRemuxer.Limits().audioLeadMs
        let flv = allFLV.filter { $0.type == "video" ? $0.dts >= firstVideo : $0.dts >= (firstVideo == .min ? .min : firstVideo - lead) }
        var ts: [(type: String, pts: Int64, dts: Int64, key: Bool)] = []
        for segment in segments {
            ts += try Self.packets(dir.appendingPathComponent("\(segment.sequence).ts").path)
        }
        for type in ["video", "audio"] {
            let a = flv.filter { $0.type == type }
            let b = ts.filter { $0.type == type }
            #expect(a.count == b.count, "\(name) \(type) packet count")
            guard let a0 = a.first, let b0 = b.first else { continue }
            let offset = b0.dts - a0.dts * 90
            // Video timestamps are exact. Within an audio PES the demuxer
            // spaces AAC frames by their exact duration, while FLV quantises
            // both the PES's first frame and the compared one to whole ms.
            let tolerance: Int64 = type == "video" ? 0 : 180
            for (x, y) in zip(a, b) {
                #expect(abs(y.dts - x.dts * 90 - offset) <= tolerance, "\(name) \(type) dts \(x.dts)")
                #expect(abs(y.pts - x.pts * 90 - offset) <= tolerance, "\(name) \(type) pts \(x.pts)")
            }
        }

        // Stream info learned from the sequence headers matches ffprobe.
        if let video = expected.first(where: { $0.codecType == "video" }) {
            #expect(remuxer.videoInfo.map { String($0.width) } == video.width)
            #expect(remuxer.videoInfo.map { String($0.height) } == video.height)
        } else {
            #expect(remuxer.videoInfo == nil)
        }
        if let audio = expected.first(where: { $0.codecType == "audio" }) {
            #expect(remuxer.audioInfo.map { String($0.sampleRate) } == audio.sampleRate)
            #expect(remuxer.audioInfo.map { String($0.channels) } == audio.channels)
        } else {
            #expect(remuxer.audioInfo == nil)
        }
    }

    @Test(arguments: Fixtures.all)
    func segmentDurationsAddUpToTheStream(_ name: String) throws {
        let (segments, _, _) = try remux(try Fixtures.tags(name), fragmentDuration: 1)
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.write(segments, to: dir)
        // Every segment but the last lasts at least FragDuration; EXTINF
        // equals the distance between the first video (else audio) DTS of
        // consecutive segments as ffprobe reads them; the first segment
        // starts with its earliest frame (audio slightly ahead of the first
        // key frame).
        var starts: [Double] = []
        for segment in segments {
            let packets = try Self.packets(dir.appendingPathComponent("\(segment.sequence).ts").path)
            let clock = packets.first { $0.type == "video" } ?? packets.first { $0.type == "audio" }
            let start = segment.sequence == 0 ? packets.map(\.dts).min() : clock?.dts
            starts.append(Double(start ?? -1) / 90000)
        }
        for i in 0..<(segments.count - 1) {
            #expect(segments[i].duration >= 1 - 1e-9)
            #expect(abs(segments[i].duration - (starts[i + 1] - starts[i])) < 0.0015,
                    "\(name) segment \(i): \(segments[i].duration) vs \(starts[i + 1] - starts[i])")
        }
    }

    /// The live path: a rolling window of FragCount segments rewritten after
    /// each segment, as the ingest will; every window plays without warnings.
    /// Each check reads a snapshot with ENDLIST: without it FFmpeg treats the
    /// playlist as live and keeps polling for new segments.
    @Test func liveWindowPlaysAtEveryStep() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        var live = HLSLivePlaylist(fragmentCount: 2, fragmentDuration: 1)
        var remuxer = HLSRemuxer(fragmentDuration: 1)
        let playlist = dir.appendingPathComponent("live.m3u8")
        var windows = 0
        func handle(_ events: [RemuxEvent]) throws {
            for case .segmentFinished(let s) in events {
                let name = "\(1_700_000_000_000 + s.firstTimestamp).ts"
                try Data(s.bytes).write(to: dir.appendingPathComponent(name))
                live.append(HLSPlaylistEntry(uri: name, duration: s.duration))
                try live.render().write(to: playlist, atomically: true, encoding: .utf8)
                var snapshot = live
                snapshot.end()
                let ended = dir.appendingPathComponent("window-\(windows).m3u8")
                try snapshot.render().write(to: ended, atomically: true, encoding: .utf8)
                let check = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", ended.path, "-f", "null", "-"],
                                    timeout: 60)
                #expect(check.status == 0 && check.err == "", "window \(windows): \(check.err)")
                windows += 1
            }
        }
        for tag in try Fixtures.tags("av-640x360-30fps.flv") { try handle(try remuxer.push(tag)) }
        try handle(remuxer.finish())
        live.end()
        #expect(windows == 3 && live.mediaSequence == 1 && live.entries.count == 2)
        #expect(live.render().hasPrefix("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:1\n"))
        // The last segment is as long as its longest track, the audio (4.014 s to 6.081 s).
        #expect(live.entries.last.map { abs($0.duration - 2.067) < 0.001 } == true)
    }
}
