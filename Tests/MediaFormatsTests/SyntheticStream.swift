import Testing
@testable import MediaFormats

/// Streams of any timing built from the real sequence headers and frames of
/// a fixture: 30 fps video in spans with a chosen GOP, 44.1 kHz AAC audio.
/// The frames are repeated, so the pictures do not decode sensibly, but
/// every tag is well formed and the timing is exactly what the test asks.
struct SyntheticStream {
    static let fps: Int64 = 30
    static let audioRate: Int64 = 44100
    /// 90 kHz ticks of one video frame and of one AAC frame (1024 samples).
    static let videoFrameTicks: Int64 = 3000
    static let audioFrameTicks: Int64 = 1024 * 90000 / 44100

    struct VideoSpan {
        var fromMs: Int64
        var toMs: Int64
        /// Frames between key frames.
        var gopFrames: Int64 = 60
        /// Index (within the span) of the first key frame; earlier frames are not key frames.
        var firstKeyFrame: Int64 = 0
    }

    let videoHeader: FLVTag
    let audioHeader: FLVTag
    let key: ArraySlice<UInt8>
    let inter: ArraySlice<UInt8>
    let audio: ArraySlice<UInt8>

    init() throws {
        let tags = try Fixtures.tags("av-640x360-30fps.flv")
        videoHeader = try #require(tags.first { $0.type == 9 && $0.payload.dropFirst().first == 0 })
        audioHeader = try #require(tags.first { $0.type == 8 && $0.payload.dropFirst().first == 0 })
        // Composition time 0: every frame is shown at its decode time.
        func presentedAtDecode(_ payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var bytes = Array(payload)
            bytes.replaceSubrange(2..<5, with: [0, 0, 0])
            return bytes[...]
        }
        key = presentedAtDecode(try #require(tags.first { $0.type == 9 && $0.payload.first == 0x17 && $0.payload.dropFirst().first == 1 }).payload)
        inter = presentedAtDecode(try #require(tags.first { $0.type == 9 && $0.payload.first == 0x27 && $0.payload.dropFirst().first == 1 }).payload)
        audio = try #require(tags.first { $0.type == 8 && $0.payload.dropFirst().first == 1 }).payload
    }

    /// Tags in timestamp order (video first on a tie); the AAC sequence
    /// header first, the AVC one just before the first video frame.
    func tags(video: [VideoSpan], audioFromMs: Int64 = 0, audioToMs: Int64?) -> [FLVTag] {
        var timed: [(ms: Int64, order: Int, tag: FLVTag)] = []
        if let first = video.first {
            timed.append((first.fromMs, -1, FLVTag(type: 9, timestamp: UInt32(first.fromMs), payload: videoHeader.payload)))
        }
        for span in video {
            var i: Int64 = 0
            while true {
                let ms = span.fromMs + i * 1000 / Self.fps
                guard ms < span.toMs else { break }
                let isKey = i >= span.firstKeyFrame && (i - span.firstKeyFrame) % span.gopFrames == 0
                timed.append((ms, 0, FLVTag(type: 9, timestamp: UInt32(ms), payload: isKey ? key : inter)))
                i += 1
            }
        }
        if let audioToMs {
            var j: Int64 = 0
            while true {
                let ms = audioFromMs + j * 1024 * 1000 / Self.audioRate
                guard ms < audioToMs else { break }
                timed.append((ms, 1, FLVTag(type: 8, timestamp: UInt32(ms), payload: audio)))
                j += 1
            }
        }
        timed.sort { ($0.ms, $0.order) < ($1.ms, $1.order) }
        var out: [FLVTag] = []
        if audioToMs != nil { out.append(FLVTag(type: 8, timestamp: 0, payload: audioHeader.payload)) }
        return out + timed.map(\.tag)
    }
}

/// What a segment's TS really holds.
struct SegmentContent {
    /// First and past-the-last 90 kHz presentation time over both tracks.
    var start: Int64
    var end: Int64
    var videoFrames: Int
    var firstVideoIsKey: Bool?
    var pcrPID: UInt16?
    var audioPCRs: Int

    var duration: Double { Double(end - start) / 90000 }

    init(_ bytes: [UInt8]) {
        let packets = TSPacketView.parse(bytes)
        let video = PESView.collect(packets, pid: TSLayout.videoPID)
        let audio = PESView.collect(packets, pid: TSLayout.audioPID)
        var starts: [Int64] = video.map(\.pts) + audio.map(\.pts)
        var ends: [Int64] = video.map { $0.pts + SyntheticStream.videoFrameTicks }
        for pes in audio {
            ends.append(pes.pts + Int64(Self.adtsFrames(pes.payload)) * SyntheticStream.audioFrameTicks)
        }
        if starts.isEmpty { starts = [0] }
        start = starts.min() ?? 0
        end = ends.max() ?? start
        videoFrames = video.count
        firstVideoIsKey = video.first?.randomAccess
        audioPCRs = audio.filter { $0.pcr != nil }.count
        // PMT: PCR_PID follows the 8-byte section prefix.
        if let pmt = packets.first(where: { $0.pid == TSLayout.pmtPID }), pmt.payload.count > 10 {
            pcrPID = UInt16(pmt.payload[9] & 0x1F) << 8 | UInt16(pmt.payload[10])
        }
    }

    static func adtsFrames(_ payload: [UInt8]) -> Int {
        var count = 0
        var i = 0
        while i + 7 <= payload.count, payload[i] == 0xFF {
            let length = Int(payload[i + 3] & 0x03) << 11 | Int(payload[i + 4]) << 3 | Int(payload[i + 5]) >> 5
            guard length >= 7 else { break }
            count += 1
            i += length
        }
        return count
    }
}
