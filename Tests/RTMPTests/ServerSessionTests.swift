import Testing
@testable import RTMP

@Suite struct ServerSessionTests {
    @Test func connectGetsControlMessagesResultAndBWDone() throws {
        var harness = ServerHarness()
        try harness.handshake()
        let replies = try harness.connect()
        #expect(replies.map(\.typeID) == [5, 6, 1, 20, 20])
        #expect(replies[0].payload == hex("002625A0"))  // 2 500 000
        #expect(replies[1].payload == hex("002625A0 02"))
        #expect(replies[2].payload == hex("00001000"))  // 4096
        let result = try #require(replies[3].command)
        #expect(result.name == "_result")
        #expect(result.transactionID == 1)
        #expect(result.object["fmsVer"]?.stringValue == "FMS/3,0,1,123")
        #expect(result.argument(0)?["code"]?.stringValue == "NetConnection.Connect.Success")
        #expect(result.argument(0)?["objectEncoding"]?.numberValue == 0)
        #expect(replies[3].chunkStreamID == 3)
        #expect(replies[4].command?.name == "onBWDone")
        guard case .connected(let request) = harness.events.first else {
            Issue.record("no connected event")
            return
        }
        #expect(request.app == "live")
        #expect(request.tcUrl == "rtmp://127.0.0.1:1935/live")
        #expect(request.flashVer == "FMLE/3.0 (compatible; Lavf59.27.100)")
    }

    @Test func publishAskesTheOwnerThenStarts() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        let name = "channel?playlistName=x.m3u8&Expires=123"
        let replies = try harness.requestPublish(name)
        #expect(replies.compactMap(\.command?.name) == ["onFCPublish", "_result"])
        #expect(replies[1].command?.transactionID == 4)
        #expect(replies[1].command?.argument(0) == .number(1))
        #expect(harness.events.last == .publishRequested(PublishRequest(
            app: "live", tcUrl: "rtmp://127.0.0.1:1935/live", streamName: name, publishType: "live", streamID: 1)))

        // Media racing in before the decision is held, then delivered on accept.
        _ = try harness.send(type: 8, csid: 4, msid: 1, payload: [0xAF, 0x00, 0x12, 0x10])
        #expect(harness.session.droppedMessages == 0)
        #expect(!harness.session.isPublishing)
        #expect(!harness.events.contains { if case .audio = $0 { true } else { false } })

        let started = harness.collect(harness.session.acceptPublish(now: harness.now))
        #expect(harness.events.last == .audio(MediaMessage(timestamp: 0, payload: [0xAF, 0x00, 0x12, 0x10])))
        #expect(started.map(\.typeID) == [4, 20])
        #expect(UserControlEvent(payload: started[0].payload) == .streamBegin(streamID: 1))
        let status = try #require(started[1].command)
        #expect(status.name == "onStatus")
        #expect(started[1].messageStreamID == 1)
        #expect(status.argument(0)?["level"]?.stringValue == "status")
        #expect(status.argument(0)?["code"]?.stringValue == "NetStream.Publish.Start")
        #expect(harness.session.isPublishing)

        // A second decision is ignored.
        #expect(harness.session.acceptPublish(now: harness.now).isEmpty)
        #expect(harness.session.rejectPublish(code: .denied, description: "late").isEmpty)
    }

    @Test func mediaOutsideAPublishIsDropped() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.send(type: 9, csid: 6, msid: 1, payload: [0x17, 0x01])
        _ = try harness.send(type: 18, csid: 4, msid: 1, payload: AMF0Encoder.encode(.string("onMetaData")))
        #expect(harness.session.droppedMessages == 2)
        #expect(harness.events.count == 1)  // connected only
    }

    @Test func heldInputIsLimitedWhileTheDecisionIsPending() throws {
        var limits = RTMPLimits()
        limits.maxBufferedBytes = 1000
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.requestPublish("ch")
        _ = try harness.send(type: 9, csid: 6, msid: 1, payload: [UInt8](repeating: 0, count: 900))
        #expect(harness.closeReason == nil)
        _ = try harness.send(type: 9, csid: 6, msid: 1, payload: [UInt8](repeating: 0, count: 200))
        #expect(harness.closeReason == .protocolViolation(.bufferedBytesExceeded(limit: 1000)))
        #expect(harness.events.last == .publishEnded(.closed(.protocolViolation(.bufferedBytesExceeded(limit: 1000)))))
    }

    @Test func mediaAndMetadataBecomeEvents() throws {
        var harness = try publishing()
        let metadata = AMF0Encoder.encode([
            .string("@setDataFrame"), .string("onMetaData"), .ecmaArray([AMF0Property("width", .number(640))]),
        ])
        _ = try harness.send(type: 18, csid: 4, msid: 1, payload: metadata)
        _ = try harness.send(type: 9, csid: 6, msid: 1, timestamp: 0, payload: [0x17, 0, 0, 0, 0, 1])
        _ = try harness.send(type: 8, csid: 4, msid: 1, timestamp: 23, payload: [0xAF, 0x01, 0x21])
        _ = try harness.send(type: 18, csid: 4, msid: 1, timestamp: 40,
                             payload: AMF0Encoder.encode([.string("onMetaData"), .ecmaArray([])]))
        #expect(Array(harness.events.suffix(4)) == [
            .data(DataMessage(timestamp: 0, name: "onMetaData",
                              values: [.ecmaArray([AMF0Property("width", .number(640))])])),
            .video(MediaMessage(timestamp: 0, payload: [0x17, 0, 0, 0, 0, 1])),
            .audio(MediaMessage(timestamp: 23, payload: [0xAF, 0x01, 0x21])),
            .data(DataMessage(timestamp: 40, name: "onMetaData", values: [.ecmaArray([])])),
        ])
    }

    @Test func aggregateMessagesAreSplit() throws {
        var harness = try publishing()
        // Two FLV tags: audio at tag time 100, video at 133; aggregate time 1000.
        let body = hex("""
            08 000002 000064 00 000000 AF01 0000000D
            09 000003 000085 00 000000 270100 0000000E
            """)
        _ = try harness.send(type: 22, csid: 4, msid: 1, timestamp: 1000, payload: body)
        #expect(Array(harness.events.suffix(2)) == [
            .audio(MediaMessage(timestamp: 1000, payload: [0xAF, 0x01])),
            .video(MediaMessage(timestamp: 1033, payload: [0x27, 0x01, 0x00])),
        ])
    }

    @Test func unpublishEndsThePublishOnce() throws {
        var harness = try publishing()
        _ = try harness.send(RTMPCommand(name: "FCUnpublish", transactionID: 7, arguments: [.string("ch")]))
        _ = try harness.send(RTMPCommand(name: "deleteStream", transactionID: 8, arguments: [.number(1)]))
        #expect(harness.events.filter { if case .publishEnded = $0 { return true } else { return false } }
            == [.publishEnded(.unpublished(command: "FCUnpublish"))])
        #expect(!harness.session.isPublishing)
        #expect(harness.closeReason == nil)
        #expect(harness.session.connectionClosed().isEmpty)
    }

    @Test(arguments: [PublishStatusCode.badName, .denied])
    func rejectionSendsAnErrorStatusAndCloses(_ code: PublishStatusCode) throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.requestPublish("ch")
        let replies = harness.collect(harness.session.rejectPublish(code: code, description: "Already publishing"))
        let status = try #require(replies.first?.command)
        #expect(status.name == "onStatus")
        #expect(status.argument(0)?["level"]?.stringValue == "error")
        #expect(status.argument(0)?["code"]?.stringValue == code.rawValue)
        #expect(status.argument(0)?["description"]?.stringValue == "Already publishing")
        #expect(harness.closeReason == .publishRejected(code: code.rawValue, description: "Already publishing"))
        #expect(harness.session.isClosed)
        #expect(try harness.send(type: 8, csid: 4, msid: 1, payload: [1]).isEmpty)
        #expect(!harness.events.contains { if case .publishEnded = $0 { return true } else { return false } })
    }

    @Test func emptyStreamNameIsRefusedWithoutAskingTheOwner() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        let replies = try harness.requestPublish("")
        #expect(replies.last?.command?.argument(0)?["code"]?.stringValue == "NetStream.Publish.BadName")
        #expect(harness.closeReason == .publishRejected(code: "NetStream.Publish.BadName",
                                                        description: "No stream name given"))
        #expect(!harness.events.contains { if case .publishRequested = $0 { return true } else { return false } })
    }

    @Test func clientLeavingBeforeTheDecisionEndsTheRequest() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.requestPublish("ch")
        _ = harness.collect(harness.session.connectionClosed())
        #expect(harness.events.last == .publishEnded(.connectionClosed))
        #expect(harness.session.acceptPublish(now: harness.now).isEmpty)
    }

    @Test func playIsRefused() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.send(RTMPCommand(name: "createStream", transactionID: 2))
        let replies = try harness.send(RTMPCommand(name: "play", transactionID: 3, arguments: [.string("ch")]),
                                       csid: 8, msid: 1)
        #expect(replies.last?.command?.argument(0)?["code"]?.stringValue == "NetStream.Play.Failed")
        #expect(replies.last?.command?.argument(0)?["level"]?.stringValue == "error")
        #expect(harness.closeReason == .playRefused)
    }

    @Test func pingRequestsAreAnswered() throws {
        var harness = ServerHarness()
        try harness.handshake()
        let replies = try harness.send(type: 4, csid: 2, msid: 0,
                                       payload: UserControlEvent.pingRequest(timestamp: 1234).payload)
        #expect(replies.count == 1)
        #expect(UserControlEvent(payload: replies[0].payload) == .pingResponse(timestamp: 1234))
    }

    @Test func acknowledgesWhatItReceives() throws {
        var harness = ServerHarness()
        try harness.handshake()  // 3073 bytes so far
        _ = try harness.send(type: 5, csid: 2, msid: 0, payload: hex("00000FA0"))  // window 4000 (16 bytes)
        #expect(try harness.send(type: 8, csid: 4, msid: 0, payload: [UInt8](repeating: 0, count: 100)).isEmpty)
        // 3073 + 16 + 112 = 3201; next message crosses 4000.
        let replies = try harness.send(type: 8, csid: 4, msid: 0, payload: [UInt8](repeating: 0, count: 1000))
        #expect(replies.map(\.typeID) == [3])
        // fmt 1 header (8) + 1000 bytes in 8 chunks (7 one-byte continuation headers): 3201 + 1015 = 4216
        #expect(replies.first?.payload == hex("00001078"))
    }

    @Test func commandsBeforeConnectAreAViolation() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.send(RTMPCommand(name: "publish", transactionID: 5, arguments: [.string("ch")]))
        #expect(harness.closeReason == .protocolViolation(.unexpectedCommand("publish")))
    }

    @Test func encryptedHandshakeIsRefused() throws {
        var harness = ServerHarness()
        _ = try harness.feed([0x06])
        #expect(harness.closeReason == .protocolViolation(.unsupportedVersion(6)))
    }

    @Test func limitsEndTheSession() throws {
        var limits = RTMPLimits()
        limits.maxDataMessageLength = 100
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        _ = try harness.send(type: 20, csid: 3, msid: 0, payload: [UInt8](repeating: 0x05, count: 101))
        #expect(harness.closeReason == .protocolViolation(.messageTooLong(length: 101, limit: 100)))
    }

    @Test func amf3CommandsAreReadAsAMF0() throws {
        var harness = ServerHarness()
        try harness.handshake()
        let connect = RTMPCommand(name: "connect", transactionID: 1, object: .object([AMF0Property("app", .string("a"))]))
        let replies = try harness.send(type: 17, csid: 3, msid: 0, payload: [0] + connect.encoded())
        #expect(replies.compactMap(\.command?.name).first == "_result")
    }

    @Test func terminateKicksAPublisher() throws {
        var harness = try publishing()
        let replies = harness.collect(harness.session.terminate(description: "Channel disabled"))
        #expect(replies.first?.command?.argument(0)?["code"]?.stringValue == "NetStream.Publish.Denied")
        #expect(harness.closeReason == .terminated(description: "Channel disabled"))
        #expect(harness.events.last == .publishEnded(.closed(.terminated(description: "Channel disabled"))))
    }

    @Test func handshakeTimeout() throws {
        var limits = RTMPLimits()
        limits.handshakeTimeout = .milliseconds(100)
        var harness = ServerHarness(limits: limits)
        _ = try harness.feed([3, 0, 0])
        #expect(harness.session.nextDeadline == .testStart + .milliseconds(100))
        #expect(harness.session.checkTimeouts(now: .testStart + .milliseconds(99)).isEmpty)
        #expect(harness.session.checkTimeouts(now: .testStart + .milliseconds(100)).close == .handshakeTimeout)
        #expect(harness.session.nextDeadline == nil)
    }

    @Test func publishTimeout() throws {
        var limits = RTMPLimits()
        limits.publishTimeout = .milliseconds(200)
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        _ = try harness.connect()
        #expect(harness.session.checkTimeouts(now: .testStart + .milliseconds(199)).isEmpty)
        #expect(harness.session.checkTimeouts(now: .testStart + .milliseconds(200)).close == .publishTimeout)
    }

    @Test func idleTimeoutEndsAPublish() throws {
        var limits = RTMPLimits()
        limits.idleTimeout = .milliseconds(50)
        var harness = try publishing(limits: limits)
        harness.now = .testStart + .milliseconds(500)
        _ = try harness.send(type: 8, csid: 4, msid: 1, payload: [0xAF, 1])
        #expect(harness.session.nextDeadline == .testStart + .milliseconds(550))
        #expect(harness.session.checkTimeouts(now: .testStart + .milliseconds(549)).isEmpty)
        let output = harness.session.checkTimeouts(now: .testStart + .milliseconds(550))
        #expect(output.close == .idleTimeout)
        #expect(output.events == [.publishEnded(.closed(.idleTimeout))])
    }

    private func publishing(limits: RTMPLimits = .default) throws -> ServerHarness {
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        _ = try harness.connect()
        _ = try harness.requestPublish("ch")
        _ = harness.collect(harness.session.acceptPublish(now: harness.now))
        #expect(harness.session.isPublishing)
        return harness
    }
}

@Suite struct ServerLimitsTests {
    @Test func announcedValuesComeFromTheLimits() throws {
        var limits = RTMPLimits()
        limits.outgoingChunkSize = 60_000
        limits.windowAcknowledgementSize = 5_000_000
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        let replies = try harness.connect()
        #expect(replies[0].payload == ControlPayload.word(5_000_000))
        #expect(replies[1].payload == ControlPayload.setPeerBandwidth(5_000_000, .dynamic))
        #expect(replies[2].payload == ControlPayload.word(60_000))
        #expect(harness.replies.chunkSize == 60_000, "the peer adopts the announced size")
    }

    @Test func amfDepthLimitAppliesToCommands() throws {
        var limits = RTMPLimits()
        limits.maxAMFDepth = 2
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        let nested = AMF0Value.object([AMF0Property("a", .object([AMF0Property("b", .object([]))]))])
        _ = try harness.send(RTMPCommand(name: "connect", transactionID: 1, object: nested))
        #expect(harness.closeReason == .protocolViolation(.malformedCommand(.depthExceeded(limit: 2))))
    }

    @Test func peerChunkSizeLimitAppliesToTheSession() throws {
        var limits = RTMPLimits()
        limits.maxChunkSize = 4096
        var harness = ServerHarness(limits: limits)
        try harness.handshake()
        _ = try harness.send(type: 1, csid: 2, msid: 0, payload: ControlPayload.word(8192))
        #expect(harness.closeReason == .protocolViolation(.chunkSizeTooLarge(8192, limit: 4096)))
    }
}

/// librtmp/OBS habits: its own Set Chunk Size before connect, audio and
/// video sharing chunk stream 4, a negative delta written as a wrapped value
/// in the extended field (media-pipeline.md §2.2–§2.4).
@Suite struct OBSStyleTests {
    @Test func sharedChunkStreamWithANegativeDelta() throws {
        var harness = ServerHarness()
        try harness.handshake()
        _ = try harness.send(type: 1, csid: 2, msid: 0, payload: ControlPayload.word(4096))
        harness.encoder.setChunkSize(4096)
        _ = try harness.send(RTMPCommand(name: "connect", transactionID: 1, object: .object([
            AMF0Property("app", .string("live")),
            AMF0Property("swfUrl", .string("rtmp://h/live")),
            AMF0Property("tcUrl", .string("rtmp://h/live")),
        ])))
        _ = try harness.requestPublish("cam1?OSSAccessKeyId=k&Expires=1&Signature=s%3D")
        _ = harness.collect(harness.session.acceptPublish(now: harness.now))
        let video = [UInt8](repeating: 0x27, count: 5000)
        let bytes = cat(
            hex("04 000064 000003 08 01000000 AF0101"),  // audio ts 100
            hex("44 000021 001388 09"), video[0..<4096],  // video ts 133, 5000 bytes
            hex("C4"), video[4096...],
            hex("44 FFFFFF 000003 08 FFFFFFF6 AF0102"))  // audio ts 123: delta -10
        _ = try harness.feed(bytes)
        #expect(Array(harness.events.suffix(3)) == [
            .audio(MediaMessage(timestamp: 100, payload: [0xAF, 0x01, 0x01])),
            .video(MediaMessage(timestamp: 133, payload: video)),
            .audio(MediaMessage(timestamp: 123, payload: [0xAF, 0x01, 0x02])),
        ])
        #expect(harness.closeReason == nil)
    }
}
