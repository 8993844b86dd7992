extension HLSRemuxer {
    mutating func pushVideo(timestamp: UInt32, payload: ArraySlice<UInt8>) throws(HLSRemuxerError) -> [RemuxEvent] {
        let parsed: FLVVideoPayload
        do { parsed = try FLVVideoPayload(parsing: payload) } catch { throw .malformedTag(error) }
        switch parsed {
        case .enhanced(let fourCC, _, _):
            throw .unsupportedEnhancedVideo(fourCC)
        case .otherCodec(let codecID):
            throw .unsupportedVideoCodec(codecID: codecID)
        case .command:
            return [.dropped(.videoCommandFrame)]
        case .avc(let packet):
            switch packet.packetType {
            case .sequenceHeader:
                try setVideoConfiguration(packet.body)
                return []
            case .endOfSequence:
                return [.dropped(.endOfSequence)]
            case .nalUnits:
                return try pushAccessUnit(packet, timestamp: timestamp)
            }
        }
    }

    private mutating func setVideoConfiguration(_ body: ArraySlice<UInt8>) throws(HLSRemuxerError) {
        let config: AVCDecoderConfigurationRecord
        let sps: SequenceParameterSet
        do {
            config = try AVCDecoderConfigurationRecord(parsing: body)
            sps = try config.parsedSPS()
        } catch {
            throw .malformedVideo(error)
        }
        if config == avc { return }
        if avc != nil, segment != nil { discontinuityPending = true }
        avc = config
        parameterSets = AnnexBAccessUnit.parameterSets(of: config)
        videoInfo = VideoStreamInfo(codec: "H264", width: sps.width, height: sps.height, frameRate: sps.frameRate,
                                    profileIDC: sps.profileIDC, levelIDC: sps.levelIDC, configuration: config)
        if mode == .undecided { mode = .video }
        // Judged audio-only only for want of video so far: video joins at
        // its first key frame, after a discontinuity (the track list changes).
        if mode == .audioOnly, configuration.expectsVideo == nil { mode = .video }
    }

    private mutating func pushAccessUnit(_ packet: AVCVideoPacket, timestamp: UInt32) throws(HLSRemuxerError) -> [RemuxEvent] {
        guard let avc else { return [.dropped(.waitingForVideoConfiguration)] }
        guard !packet.body.isEmpty else { return [.dropped(.emptyFrame)] }
        if mode == .audioOnly { return [.dropped(.videoInAudioOnlyStream)] }
        let joinsAudioOnly = segment.map { !$0.program.hasVideo } ?? false
        if segment == nil || joinsAudioOnly, !packet.isKeyframe { return [.dropped(.waitingForKeyframe)] }
        do {
            try AnnexBAccessUnit.pieces(of: packet.body, nalLengthSize: avc.nalLengthSize,
                                        parameterSets: parameterSets, into: &videoPieces)
        } catch {
            videoPieces.removeAll(keepingCapacity: true)
            throw .malformedVideo(error)
        }
        let ms = videoClock.unwrap(timestamp)
        var events: [RemuxEvent] = []
        // Audio that led the first key frame by more than a moment gets
        // audio-timed segments of its own instead of being dropped.
        if segment == nil, let first = preroll.first, ms - first.ms > limits.audioOnlyDecisionMs {
            events += startAudioTimed()
        }
        var dts = outputTime(ms: ms, track: .video)
        // A repeated timestamp: one frame after the last, so players see
        // decode times that advance (later frames keep their own times).
        if let last = lastVideoDTS, dts <= last, last - dts < limits.maxBackwardJumpMs * 90 { dts = last + max(lastVideoStep, 1) }
        let pts = max(dts, dts + Int64(packet.compositionTime) * 90)

        if joinsAudioOnly {
            discontinuityPending = true
            cutter = SegmentCutter(fragmentDuration: fragmentTicks, hasVideo: true)
        }
        let decision: SegmentCutter.Decision
        if segment != nil, discontinuityPending, packet.isKeyframe {
            cutter?.reset()
            _ = cutter?.decide(dts: dts, isVideo: true, isKeyframe: true)
            decision = .cut(forced: false)
        } else if cutter == nil {
            var fresh = SegmentCutter(fragmentDuration: fragmentTicks, hasVideo: true)
            decision = fresh.decide(dts: dts, isVideo: true, isKeyframe: packet.isKeyframe)
            cutter = fresh
        } else {
            decision = cutter?.decide(dts: dts, isVideo: true, isKeyframe: packet.isKeyframe) ?? .keep
        }
        switch decision {
        case .skip:
            // Video back after an absence: wait for its key frame.
            videoPieces.removeAll(keepingCapacity: true)
            return [.dropped(.waitingForKeyframe)]
        case .cut:
            events += cut(firstTime: dts, ms: ms, keyframe: packet.isKeyframe)
        case .keep:
            break
        }
        if let last = lastVideoDTS, dts > last {
            lastVideoStep = dts - last
            lastClockStep = lastVideoStep
        }
        let header = TSMuxer.PESHeader(pid: TSLayout.videoPID, streamID: TSLayout.videoStreamID, pts: pts, dts: dts,
                                       pcr: dts - TSLayout.pcrDelay, randomAccess: packet.isKeyframe,
                                       boundedLength: false)
        muxer.writePES(header, pieces: videoPieces, into: &output)
        videoPieces.removeAll(keepingCapacity: true)
        lastVideoDTS = dts
        noteEnd(pts + max(lastClockStep, 1))
        if let open = segment { segment?.videoSpan = OpenSegment.widened(open.videoSpan, pts, pts + max(lastVideoStep, 1)) }
        if !preroll.isEmpty { drainPreroll(from: ms) }
        return events
    }

    var fragmentTicks: Int64 {
        let seconds = configuration.fragmentDuration
        guard seconds.isFinite, seconds > 0 else { return TSLayout.clockRate }
        return Int64(min(seconds, 86_400) * Double(TSLayout.clockRate))
    }

    /// Audio that arrived before the first key frame joins the first segment
    /// when it is at most `audioLeadMs` older than that key frame (only in a
    /// channel's first push: a later one must not reach back into the
    /// previous push's time).
    private mutating func drainPreroll(from keyframeMs: Int64) {
        let held = preroll
        preroll.removeAll()
        let lead = configuration.continuity.nextDTS == nil ? limits.audioLeadMs : 0
        for frame in held where frame.ms >= keyframeMs - lead {
            _ = appendAudio(ms: frame.ms, frame: frame.frame)
        }
    }
}
