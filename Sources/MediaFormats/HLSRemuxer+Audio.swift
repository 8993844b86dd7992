extension HLSRemuxer {
    mutating func pushAudio(timestamp: UInt32, payload: ArraySlice<UInt8>) throws(HLSRemuxerError) -> [RemuxEvent] {
        let parsed: FLVAudioPayload
        do { parsed = try FLVAudioPayload(parsing: payload) } catch { throw .malformedTag(error) }
        switch parsed {
        case .otherFormat(let format):
            return [.dropped(.unsupportedAudioCodec("SoundFormat \(format)"))]
        case .enhanced(let fourCC, _):
            return [.dropped(.unsupportedAudioCodec(fourCC.description))]
        case .aacSequenceHeader(let body):
            return setAudioConfiguration(body)
        case .aacFrame(let frame):
            guard adts != nil else { return [.dropped(.waitingForAudioConfiguration)] }
            guard !frame.isEmpty else { return [.dropped(.emptyFrame)] }
            guard frame.count <= ADTSHeader.maxPayloadSize else {
                throw .malformedAudio(.frameTooLargeForADTS(frame.count))
            }
            return pushAudioFrame(ms: audioClock.unwrap(timestamp), frame: frame)
        }
    }

    private mutating func setAudioConfiguration(_ body: ArraySlice<UInt8>) -> [RemuxEvent] {
        let config: AudioSpecificConfig
        let header: ADTSHeader
        do {
            config = try AudioSpecificConfig(parsing: body)
            header = try ADTSHeader(config: config)
        } catch {
            return [.dropped(.unsupportedAudioConfiguration(error))]
        }
        if config == audioInfo?.configuration { return [] }
        if adts != nil, segment != nil {
            flushAudio()
            discontinuityPending = true
        }
        adts = header
        audioSampleRate = Int64(max(config.samplingFrequency, 1))
        audioSamplesPerFrame = Int64(config.samplesPerFrame)
        audioFrameTicks = audioSamplesPerFrame * TSLayout.clockRate / audioSampleRate
        audioGrid = nil
        audioInfo = AudioStreamInfo(codec: "AAC", sampleRate: config.outputSampleRate, channels: config.channelCount,
                                    objectType: config.objectType, configuration: config)
        return []
    }

    private mutating func pushAudioFrame(ms: Int64, frame: ArraySlice<UInt8>) -> [RemuxEvent] {
        if segment == nil {
            preroll.append(PendingAudio(ms: ms, dts: 0, frame: frame))
            switch mode {
            case .audioOnly:
                return startAudioOnly()
            case .undecided:
                guard let first = preroll.first, ms - first.ms >= limits.audioOnlyDecisionMs else { return [] }
                mode = .audioOnly
                return startAudioOnly()
            case .video:
                // Audio for longer than the video absence bound and no key
                // frame yet: audio times the first segments.
                if let first = preroll.first, (ms - first.ms) * 90 > videoAbsenceTicks { return startAudioTimed() }
                return []
            }
        }
        guard segment?.program.hasAudio == true else { return [.dropped(.audioNotInProgram)] }
        if mode == .audioOnly {
            return appendAudioOnlyFrame(ms: ms, frame: frame)
        }
        if let audioOffset, ms * 90 + audioOffset < 0 { return [.dropped(.beforeStreamStart)] }
        return appendAudio(ms: ms, frame: frame)
    }

    /// The bound of `SegmentCutter.videoAbsenceBound` for this stream.
    var videoAbsenceTicks: Int64 {
        SegmentCutter(fragmentDuration: fragmentTicks, hasVideo: true).videoAbsenceBound
    }

    /// A video stream whose audio came long before any key frame: the held
    /// audio opens an audio-timed segment (video declared, audio carrying the clock).
    mutating func startAudioTimed() -> [RemuxEvent] {
        let held = preroll
        preroll.removeAll()
        var events: [RemuxEvent] = []
        for frame in held { events += appendAudio(ms: frame.ms, frame: frame.frame) }
        return events
    }

    /// Opens the first audio-only segment with the held frames.
    mutating func startAudioOnly() -> [RemuxEvent] {
        let held = preroll
        preroll.removeAll()
        var events: [RemuxEvent] = []
        for frame in held { events += appendAudioOnlyFrame(ms: frame.ms, frame: frame.frame) }
        return events
    }

    /// Audio-only: audio times the segments and carries the PCR.
    private mutating func appendAudioOnlyFrame(ms: Int64, frame: ArraySlice<UInt8>) -> [RemuxEvent] {
        let dts = audioDTS(outputTime(ms: ms, track: .audio))
        let decision: SegmentCutter.Decision
        if segment != nil, discontinuityPending {
            cutter?.reset()
            _ = cutter?.decide(dts: dts, isVideo: false, isKeyframe: true)
            decision = .cut(forced: false)
        } else if cutter == nil {
            var fresh = SegmentCutter(fragmentDuration: fragmentTicks, hasVideo: false)
            decision = fresh.decide(dts: dts, isVideo: false, isKeyframe: true)
            cutter = fresh
        } else {
            decision = cutter?.decide(dts: dts, isVideo: false, isKeyframe: true) ?? .keep
        }
        var events: [RemuxEvent] = []
        if case .cut = decision {
            flushAudio()
            events += cut(firstTime: dts, ms: ms, keyframe: true)
        }
        if let last = lastAudioDTS, dts > last { lastClockStep = dts - last }
        enqueueAudio(PendingAudio(ms: ms, dts: dts, frame: frame))
        return events
    }

    /// Audio beside video: bundled into PES by size and span only. It cuts
    /// only while video is absent (the cutter says when).
    mutating func appendAudio(ms: Int64, frame: ArraySlice<UInt8>) -> [RemuxEvent] {
        guard adts != nil, segment == nil || segment?.program.hasAudio == true else { return [] }
        let dts = audioDTS(outputTime(ms: ms, track: .audio))
        if cutter == nil { cutter = SegmentCutter(fragmentDuration: fragmentTicks, hasVideo: true) }
        var events: [RemuxEvent] = []
        if case .cut = cutter?.decide(dts: dts, isVideo: false, isKeyframe: true) {
            flushAudio()
            events += cut(firstTime: dts, ms: ms, keyframe: true)
        }
        enqueueAudio(PendingAudio(ms: ms, dts: dts, frame: frame))
        return events
    }

    /// Snaps a frame onto the sample grid when it is close or behind it (AAC
    /// frames cannot overlap: a repeated timestamp or a small step back of
    /// the publisher's clock leaves the audio contiguous), then keeps the
    /// audio DTS increasing. A frame ahead of the grid starts a new one (a gap).
    private mutating func audioDTS(_ raw: Int64) -> Int64 {
        var dts = raw
        if let grid = audioGrid {
            let expected = grid.anchor + grid.samples * TSLayout.clockRate / audioSampleRate
            if raw - expected <= limits.audioSyncToleranceMs * 90, expected - raw < limits.maxBackwardJumpMs * 90 {
                dts = expected
                audioGrid = (grid.anchor, grid.samples + audioSamplesPerFrame)
            } else {
                audioGrid = (raw, audioSamplesPerFrame)
            }
        } else {
            audioGrid = (raw, audioSamplesPerFrame)
        }
        guard let last = lastAudioDTS, dts <= last else { return dts }
        // A large step back is a new timeline (handled by outputTime); keep it.
        return last - dts < limits.maxBackwardJumpMs * 90 ? last + 1 : dts
    }

    private mutating func enqueueAudio(_ frame: PendingAudio) {
        let size = ADTSHeader.size + frame.frame.count
        if !audioBundle.isEmpty, audioBundleBytes + size > limits.audioPESMaxPayload { flushAudio() }
        audioBundle.append(frame)
        audioBundleBytes += size
        lastAudioDTS = frame.dts
        noteEnd(frame.dts + audioFrameTicks)
        if let open = segment {
            segment?.audioSpan = OpenSegment.widened(open.audioSpan, frame.dts, frame.dts + audioFrameTicks)
            // The first segment of a push starts with its earliest frame:
            // audio may come slightly before the first key frame is shown.
            if open.start.sequence == 0, frame.dts < open.firstTime { segment?.firstTime = frame.dts }
        }
        if let first = audioBundle.first, frame.dts - first.dts >= limits.audioPESMaxSpanMs * 90 { flushAudio() }
    }

    /// Writes the bundled frames as one PES, each behind its ADTS header.
    mutating func flushAudio() {
        guard !audioBundle.isEmpty else { return }
        defer {
            audioBundle.removeAll(keepingCapacity: true)
            audioBundleBytes = 0
        }
        guard let adts, let program = segment?.program, program.hasAudio, let first = audioBundle.first else { return }
        audioPieces.removeAll(keepingCapacity: true)
        for frame in audioBundle {
            audioPieces.append(.inline(adts.packed(payloadSize: frame.frame.count), count: ADTSHeader.size))
            audioPieces.append(.bytes(frame.frame))
        }
        let audioOnly = program.pcrPID == TSLayout.audioPID
        let header = TSMuxer.PESHeader(pid: TSLayout.audioPID, streamID: TSLayout.audioStreamID, pts: first.dts,
                                       dts: first.dts, pcr: audioOnly ? first.dts - TSLayout.pcrDelay : nil,
                                       randomAccess: audioOnly, boundedLength: true)
        muxer.writePES(header, pieces: audioPieces, into: &output)
        audioPieces.removeAll(keepingCapacity: true)
    }
}
