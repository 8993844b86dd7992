extension HLSRemuxer {
    /// Output 90 kHz time of a publisher timestamp (§6.8). The track that
    /// times segments (video, or audio when alone) is checked against its
    /// own last DTS; audio beside video against the video clock, so an audio
    /// gap with honest timestamps is not taken for a jump. A jump beyond the
    /// limits rebases that track to run on from where it was, and the next
    /// cut is marked as a discontinuity.
    mutating func outputTime(ms: Int64, track: Track) -> Int64 {
        if videoOffset == nil {
            let start = initialOffset(ms: ms)
            videoOffset = start
            audioOffset = start
        }
        let base = (track == .video ? videoOffset : audioOffset) ?? 0
        var dts = ms * 90 + base
        let isClock = (track == .video) == (mode != .audioOnly)
        // Forward: beyond the latest frame of either track, so video that
        // comes back after an absence (audio ran on) is no jump, nor audio
        // running on after video stopped. Backward: against the clock track.
        let latest = [lastVideoDTS, lastAudioDTS].compactMap { $0 }.max()
        guard let reference = (isClock && track == .audio ? lastAudioDTS : lastVideoDTS) ?? latest,
              let latest else { return dts }
        guard dts - latest > limits.maxForwardJumpMs * 90 || dts - reference < -limits.maxBackwardJumpMs * 90 else {
            // Video stepping back less than that: it runs on one frame after
            // its last frame (frames at the same time are kept in order by
            // the caller). Audio stays on its sample grid (`audioDTS`).
            if track == .video, let last = lastVideoDTS, dts < last {
                videoOffset = base + (last + max(lastVideoStep, 1) - dts)
                return last + max(lastVideoStep, 1)
            }
            return dts
        }
        let expected: Int64
        if isClock {
            expected = reference + max(lastClockStep, 1)
        } else {
            expected = lastAudioDTS.map { max($0 + audioFrameTicks, reference - limits.maxBackwardJumpMs * 90) } ?? reference
        }
        if track == .video { videoOffset = base + (expected - dts) } else { audioOffset = base + (expected - dts) }
        dts = expected
        discontinuityPending = true
        return dts
    }

    /// The offset that puts the first frame of this push at the start of the output clock.
    func initialOffset(ms: Int64) -> Int64 {
        let start = max(configuration.continuity.nextDTS ?? TSLayout.timestampOffset, TSLayout.timestampOffset)
        return start - ms * 90
    }

    mutating func noteEnd(_ end: Int64) {
        latestEnd = max(latestEnd ?? end, end)
    }

    /// Closes the open segment (if any) and opens the next one at this frame.
    mutating func cut(firstTime: Int64, ms: Int64, keyframe: Bool) -> [RemuxEvent] {
        var events: [RemuxEvent] = []
        let wasOpen = segment != nil
        if wasOpen {
            flushAudio()
            if let done = finishSegment(nextStart: firstTime) { events.append(.segmentFinished(done)) }
        }
        let start = SegmentStart(sequence: segmentCount, firstTimestamp: ms, startsWithKeyframe: keyframe,
                                 discontinuity: wasOpen && discontinuityPending)
        discontinuityPending = false
        // Until video joins a stream that started audio-only, its cutter times audio alone.
        let program = TSProgram(hasVideo: mode == .video && cutter?.hasVideo != false, hasAudio: adts != nil,
                                audioCarriesClock: mode == .video && cutter?.timedByAudio == true)
        // Room for half again what the buffer held last time, so it
        // rarely has to move (a move copies every byte once more).
        prepareOutput(reserving: lastBufferedSize + lastBufferedSize / 2 + 4 * TSLayout.packetSize)
        muxer.writeTables(program, into: &output)
        segment = OpenSegment(start: start, program: program, firstTime: firstTime)
        segmentCount += 1
        events.append(.segmentOpened(start))
        return events
    }

    /// Hands over the open segment. Its duration runs to the next segment's
    /// first frame, or without one (end of stream) past the last frame of
    /// its longest track.
    mutating func finishSegment(nextStart: Int64?) -> FinishedSegment? {
        guard let open = segment else { return nil }
        var ticks = nextStart.map { $0 - open.firstTime } ?? open.longestTrack
        // Frames that all carry one timestamp (or run backwards) measure
        // nothing; the segment still holds media, so it lasts one frame,
        // never EXTINF 0.000.
        if ticks < Self.shortestSegmentTicks { ticks = oneFrameTicks }
        let duration = Double(ticks) / Double(TSLayout.clockRate)
        let bytes = output
        output = []
        segment = nil
        let size = open.takenBytes + bytes.count
        lastBufferedSize = bytes.count
        return FinishedSegment(start: open.start, duration: duration, bytes: bytes, size: size, continuityAfter: continuity)
    }

    /// Below this (1 ms, the precision of EXTINF) a segment has no measured duration.
    static let shortestSegmentTicks = TSLayout.clockRate / 1000

    /// Used when nothing better is known: 1/30 s, a common video frame.
    static let fallbackFrameTicks = TSLayout.clockRate / 30

    /// One frame of the track that times segments: its last step, else one
    /// AAC frame, else `fallbackFrameTicks`.
    var oneFrameTicks: Int64 {
        for candidate in [lastClockStep, audioFrameTicks] where candidate >= Self.shortestSegmentTicks {
            return candidate
        }
        return Self.fallbackFrameTicks
    }
}
