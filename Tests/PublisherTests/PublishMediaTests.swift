import Foundation
import MediaFormats
import Publisher
import Testing

let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures")

func fixture(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))
}

@Suite struct PublishMediaTests {
    @Test func loopSpanFollowsTheLongestTrack() throws {
        // Baseline 29.97 fps video with 22.05 kHz AAC (1024-sample frames, about 46 ms).
        let bytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("baseline-480x270-29.97fps.flv")))
        let media = try PublishMedia(flv: bytes)
        let lastAudio = try #require(media.tags.last { $0.type == .audio && !$0.isSetup }).time
        let lastVideo = try #require(media.tags.last { $0.type == .video && !$0.isSetup }).time
        #expect(media.loopSpan > lastAudio && media.loopSpan > lastVideo)
        // One frame past the end, not more: within an audio frame of the last tag.
        #expect(media.loopSpan - max(lastAudio, lastVideo) <= 47)
        #expect(media.tags.first?.time == 0)
        // Metadata and both sequence headers are set-up tags, sent once per connection.
        #expect(media.tags.filter(\.isSetup).map(\.type) == [.script, .video, .audio])
    }

    @Test func aFileWhoseClockWrapsKeepsItsOrder() throws {
        // Timestamps from 2^32 − 40 ms on: the third tag wraps to 0.
        var writer = FLVFileWriter(hasAudio: true, hasVideo: false)
        for time: UInt32 in [4_294_967_256, 4_294_967_279, 6, 29] {
            try writer.append(FLVTag(type: 8, timestamp: time, payload: [0xAF, 0x01, 0x21][...]))
        }
        let media = try PublishMedia(flv: writer.bytes)
        #expect(media.tags.map(\.time) == [0, 23, 46, 69])
        #expect(media.firstTimestamp == 4_294_967_256)
    }

    /// Each track continues one frame after its own last frame, pass after
    /// pass: no hole at the boundary, audio on its sample grid.
    @Test func loopsAreSeamlessPerTrack() throws {
        for name in ["av-640x360-30fps.flv", "baseline-480x270-29.97fps.flv"] {
            let media = try PublishMedia(flv: try fixture(name))
            let audio = media.tags.filter { $0.type == .audio && !$0.isSetup }
            let video = media.tags.filter { $0.type == .video && !$0.isSetup }
            let rate: Double = name.hasPrefix("av") ? 44100 : 22050
            let frameMs = 1024 * 1000 / rate
            let first = Double(try #require(audio.first).time)
            for pass: UInt32 in [1, 2, 10, 100, 1000] {
                for (k, tag) in audio.enumerated() {
                    let grid = first + (Double(pass) * Double(audio.count) + Double(k)) * frameMs
                    #expect(abs(Double(media.timestamp(of: tag, pass: pass)) - grid) <= 1.6, "\(name) pass \(pass) frame \(k)")
                }
                // Video: the boundary step is one frame interval, like the steps inside the file.
                let lastOfPrevious = media.timestamp(of: try #require(video.last), pass: pass - 1)
                let firstOfThis = media.timestamp(of: try #require(video.first), pass: pass)
                let interval = Double(video.last!.time - video.first!.time) / Double(video.count - 1)
                #expect(abs(Double(firstOfThis) - Double(lastOfPrevious) - interval) <= 1, "\(name) pass \(pass)")
            }
        }
    }

    @Test func refusesFilesWithoutMedia() {
        #expect(throws: (any Error).self) { try PublishMedia(flv: Array("not flv".utf8)) }
        // A header and PreviousTagSize0 only.
        let empty: [UInt8] = [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]
        #expect(throws: (any Error).self) { try PublishMedia(flv: empty) }
    }
}
