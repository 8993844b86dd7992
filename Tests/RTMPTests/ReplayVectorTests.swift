import Foundation
import Testing
@testable import RTMP

/// The bytes FFmpeg 5.1 sent while publishing `baseline-480x270-29.97fps.flv`
/// to `rtmp://127.0.0.1:PORT/live/ch?playlistName=x.m3u8&Expires=123`
/// (recorded by `FFmpegPublishTests` with `RTMP_RECORD_VECTORS=1`), replayed
/// into a server session without sockets.
@Suite struct ReplayVectorTests {
    static func replay(pieceSize: Int) throws -> (events: [ServerEvent], replies: Int, close: CloseReason?) {
        let bytes = [UInt8](try Data(contentsOf: vectorsDirectory.appendingPathComponent(replayVector)))
        var session = ServerSession(now: .testStart)
        var events: [ServerEvent] = []
        var replies = 0
        var index = 0
        while index < bytes.count {
            let piece = Array(bytes[index..<min(bytes.count, index + pieceSize)])
            index += pieceSize
            var output = session.receive(piece, now: .testStart)
            while true {
                events += output.events
                replies += output.bytes.count
                if let close = output.close { return (events, replies, close) }
                guard output.events.contains(where: { if case .publishRequested = $0 { true } else { false } }) else {
                    break
                }
                output = session.acceptPublish(now: .testStart)
            }
        }
        events += session.connectionClosed().events
        return (events, replies, nil)
    }

    @Test(arguments: [1, 97, 1460, 65_536, Int.max / 2])
    func replayedPublishMatchesTheFixture(_ pieceSize: Int) throws {
        let (events, replies, close) = try Self.replay(pieceSize: pieceSize)
        #expect(close == nil)
        #expect(replies > 3073)
        let received = ReceivedStream(events)
        #expect(received.requests == [PublishRequest(
            app: "live", tcUrl: received.requests.first?.tcUrl, streamName: "ch?playlistName=x.m3u8&Expires=123",
            publishType: "live", streamID: 1)])
        #expect(received.requests.first?.tcUrl?.hasPrefix("rtmp://127.0.0.1:") == true)
        #expect(received.ends == [.unpublished(command: "FCUnpublish")])
        try expectStream(received, matches: replayFixture)
        let metadata = try #require(received.data.first)
        #expect(metadata.values.first?["width"] == .number(480))
        #expect(metadata.values.first?["videocodecid"] == .number(7))
    }

    /// The vector begins the way media-pipeline.md §3.2 describes FFmpeg.
    @Test func vectorStartsWithFFmpegsHandshakeAndConnect() throws {
        let bytes = [UInt8](try Data(contentsOf: vectorsDirectory.appendingPathComponent(replayVector)))
        #expect(bytes.first == 3)
        #expect(Array(bytes[5..<9]) == [0x09, 0x00, 0x7C, 0x02])
        #expect(HandshakeDigest.clientDigest(in: Array(bytes[1..<1537]))?.scheme == .base8)
        // C2 is a copy of our S1, then connect on csid 3 as fmt 0.
        #expect(bytes[3073] == 0x03)
        #expect(bytes[3073 + 7] == RTMPMessageType.amf0Command)
    }
}
