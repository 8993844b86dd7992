import Testing
@testable import RTMP

/// A client session and a server session wired together in memory.
struct InMemoryPair {
    var client: ClientSession
    var server: ServerSession
    var serverEvents: [ServerEvent] = []
    var clientEvents: [ClientEvent] = []
    var serverClose: CloseReason?
    var clientClose: CloseReason?
    /// Everything the client sent, handshake included.
    var clientBytes: [UInt8] = []
    /// Bytes travel in pieces of this size, to exercise reassembly.
    let pieceSize: Int
    var decide: (PublishRequest) -> (PublishStatusCode, String)? = { _ in nil }

    init(configuration: ClientSession.Configuration, pieceSize: Int = 1000) {
        client = ClientSession(configuration: configuration, now: .testStart)
        server = ServerSession(now: .testStart)
        self.pieceSize = pieceSize
    }

    mutating func toServer(_ bytes: [UInt8]) {
        clientBytes += bytes
        var index = 0
        var replies: [UInt8] = []
        while index < bytes.count, serverClose == nil {
            let piece = Array(bytes[index..<min(bytes.count, index + pieceSize)])
            index += pieceSize
            var output = server.receive(piece, now: .testStart)
            while true {
                serverEvents += output.events
                replies += output.bytes
                serverClose = serverClose ?? output.close
                guard let request = output.events.compactMap({ e -> PublishRequest? in
                    if case .publishRequested(let r) = e { r } else { nil }
                }).first else { break }
                if let (code, description) = decide(request) {
                    output = server.rejectPublish(code: code, description: description)
                } else {
                    output = server.acceptPublish(now: .testStart)
                }
            }
        }
        if !replies.isEmpty { toClient(replies) }
    }

    mutating func toClient(_ bytes: [UInt8]) {
        let output = client.receive(bytes, now: .testStart)
        clientEvents += output.events
        clientClose = clientClose ?? output.close
        if !output.bytes.isEmpty { toServer(output.bytes) }
    }

    mutating func start() {
        toServer(client.start().bytes)
    }
}

@Suite struct ClientServerTests {
    static let configuration = ClientSession.Configuration(
        app: "bkt/live", tcUrl: "rtmp://127.0.0.1:1935/bkt/live",
        streamName: "cam1?playlistName=x.m3u8&Expires=1&Signature=a%2Fb")

    @Test(arguments: FFmpegPublishTests.fixtures)
    func publishedTagsArriveIdentical(_ fixture: String) throws {
        var pair = InMemoryPair(configuration: Self.configuration, pieceSize: 1379)
        pair.start()
        #expect(pair.clientEvents == [.connected, .publishStarted(streamID: 1)])
        #expect(pair.client.isPublishing)
        #expect(pair.server.isPublishing)

        let tags = try FLVTestReader.tags(of: fixtureURL(fixture))
        for tag in tags {
            switch tag.type {
            case 8: pair.toServer(try pair.client.sendAudio(timestamp: tag.timestamp, payload: tag.body))
            case 9: pair.toServer(try pair.client.sendVideo(timestamp: tag.timestamp, payload: tag.body))
            default: pair.toServer(try pair.client.sendMetadata(timestamp: tag.timestamp, scriptData: tag.body))
            }
        }
        let end = pair.client.unpublish()
        #expect(end.close == .finished)
        pair.toServer(end.bytes)

        let received = ReceivedStream(pair.serverEvents)
        #expect(received.requests == [PublishRequest(
            app: "bkt/live", tcUrl: "rtmp://127.0.0.1:1935/bkt/live", streamName: Self.configuration.streamName,
            publishType: "live", streamID: 1)])
        #expect(received.ends == [.unpublished(command: "FCUnpublish")])
        #expect(received.audio == tags.filter { $0.type == 8 })
        #expect(received.video == tags.filter { $0.type == 9 })
        // Metadata arrives decoded, without @setDataFrame, equal to the tag's AMF.
        let scripts = try tags.filter { $0.type == 18 }.map { tag in
            let values = try AMF0Decoder.decodeAll(tag.body)
            return DataMessage(timestamp: tag.timestamp, name: values.first?.stringValue ?? "",
                               values: Array(values.dropFirst()))
        }
        #expect(received.data == scripts)
        #expect(pair.serverClose == nil)
    }

    @Test func digestHandshakeIsVerifiedBothWays() {
        var configuration = Self.configuration
        configuration.useDigestHandshake = true
        var pair = InMemoryPair(configuration: configuration)
        pair.start()
        #expect(pair.server.handshakeMode == .digest(.base8))
        #expect(pair.client.serverDigestVerified)
        #expect(pair.client.isPublishing)
    }

    @Test func rejectionReachesTheClient() {
        var pair = InMemoryPair(configuration: Self.configuration)
        pair.decide = { _ in (.denied, "Signature expired") }
        pair.start()
        #expect(pair.serverClose == .publishRejected(code: "NetStream.Publish.Denied", description: "Signature expired"))
        #expect(pair.clientClose == .publishRejected(code: "NetStream.Publish.Denied", description: "Signature expired"))
        #expect(pair.clientEvents == [.connected])
        #expect(throws: ClientSessionError.notPublishing) { try pair.client.sendAudio(timestamp: 0, payload: [1]) }
    }

    @Test func clientAcknowledgesAndAnswersPings() throws {
        var pair = InMemoryPair(configuration: Self.configuration)
        pair.start()
        // The server announced a 2 500 000-byte window; make it small and ping.
        var encoder = ChunkEncoder()
        var bytes: [UInt8] = []
        encoder.encode(message(2, 0, 5, 0, hex("00000010")), into: &bytes)
        encoder.encode(message(2, 0, 4, 0, UserControlEvent.pingRequest(timestamp: 77).payload), into: &bytes)
        let output = pair.client.receive(bytes, now: .testStart)
        // Decode the client's whole chunk stream after the handshake.
        var decoder = ChunkDecoder()
        decoder.append(pair.clientBytes[3073...])
        decoder.append(output.bytes)
        var messages: [RTMPMessage] = []
        while let m = try decoder.nextMessage() { messages.append(m) }
        let last = messages.suffix(2)
        #expect(last.map(\.typeID) == [4, 3])
        #expect(UserControlEvent(payload: last.first?.payload ?? []) == .pingResponse(timestamp: 77))
        #expect(last.last?.payload == ControlPayload.word(pair.client.receivedByteCount))
    }

    @Test func clientTimesOutWithoutAnAnswer() {
        var configuration = Self.configuration
        configuration.limits.handshakeTimeout = .milliseconds(10)
        var client = ClientSession(configuration: configuration, now: .testStart)
        _ = client.start()
        #expect(client.checkTimeouts(now: .testStart + .milliseconds(9)).isEmpty)
        #expect(client.checkTimeouts(now: .testStart + .milliseconds(10)).close == .handshakeTimeout)
    }
}
