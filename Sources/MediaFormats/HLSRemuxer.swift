/// One publish, FLV tags in, MPEG-TS segments out: the pure core of live
/// ingest. Feed it RTMP media messages (type, ms timestamp, body) in arrival
/// order; it answers with events. It reads no clock and writes no file.
///
/// TS bytes accumulate in one buffer per segment; NAL units and AAC frames
/// are copied once, from the pushed payload into that buffer. Audio frames
/// are held (by reference) until their PES is written.
public struct HLSRemuxer: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Largest audio PES payload: 16 TS packets with the PES header
        /// (FFmpeg's default), so audio PES never exceed 16 bits of length.
        public var audioPESMaxPayload = 2930
        /// Audio is flushed once a PES spans this long (nginx: 300 ms).
        public var audioPESMaxSpanMs: Int64 = 300
        /// With no hint and no AVC sequence header after this much audio,
        /// the stream is treated as audio-only.
        public var audioOnlyDecisionMs: Int64 = 1000
        /// Audio within this distance of where the previous frame's sample
        /// count puts it is moved onto that sample grid (nginx `hls_sync`),
        /// which undoes the whole-millisecond rounding of RTMP timestamps.
        public var audioSyncToleranceMs: Int64 = 2
        /// Audio at most this much older than the first key frame joins the
        /// first segment (less than the 700 ms PCR delay, so no PCR passes its DTS).
        public var audioLeadMs: Int64 = 500
        /// A clock step larger than this forward …
        public var maxForwardJumpMs: Int64 = 10_000
        /// … or this backward is a new timeline: rebase, then cut with a discontinuity.
        public var maxBackwardJumpMs: Int64 = 1_000

        public init() {}
    }

    public struct Configuration: Sendable, Equatable {
        /// FragDuration in seconds.
        public var fragmentDuration: Double
        /// Where the previous push of the channel left off (its remuxer's `continuity`).
        public var continuity: RemuxContinuity
        /// Whether video is announced (FLV header flags, onMetaData): false
        /// starts audio-only at once, true waits for video; nil decides
        /// after `audioOnlyDecisionMs` of audio without an AVC header.
        public var expectsVideo: Bool?
        public var limits: Limits

        public init(fragmentDuration: Double, continuity: RemuxContinuity = RemuxContinuity(),
                    expectsVideo: Bool? = nil, limits: Limits = Limits()) {
            self.fragmentDuration = fragmentDuration
            self.continuity = continuity
            self.expectsVideo = expectsVideo
            self.limits = limits
        }
    }

    enum Mode: Sendable { case undecided, video, audioOnly }
    enum Track: Sendable { case video, audio }

    struct PendingAudio: Sendable {
        var ms: Int64
        var dts: Int64
        var frame: ArraySlice<UInt8>
    }

    struct OpenSegment: Sendable {
        var start: SegmentStart
        var program: TSProgram
        /// Decode time (90 kHz) of the frame that opened the segment (for the
        /// first segment of a push, of its earliest frame): EXTINF runs from
        /// it to the next segment's, so frames are counted once, in the order
        /// they are cut, and B-frame delays cancel between neighbours.
        var firstTime: Int64
        /// Per track: first presentation time and past its last frame.
        var videoSpan: (start: Int64, end: Int64)?
        var audioSpan: (start: Int64, end: Int64)?

        /// First to past the last frame of the longest track.
        var longestTrack: Int64 {
            [videoSpan, audioSpan].compactMap { $0.map { $0.end - $0.start } }.max() ?? 0
        }

        static func widened(_ span: (start: Int64, end: Int64)?, _ start: Int64, _ end: Int64) -> (start: Int64, end: Int64) {
            guard let span else { return (start, end) }
            return (min(span.start, start), max(span.end, end))
        }
        var takenBytes = 0
    }

    public let configuration: Configuration
    public internal(set) var videoInfo: VideoStreamInfo?
    public internal(set) var audioInfo: AudioStreamInfo?
    /// Counters and clock after everything written so far; hand them to the
    /// next push's remuxer.
    public var continuity: RemuxContinuity {
        RemuxContinuity(counters: muxer.continuity, nextDTS: latestEnd ?? configuration.continuity.nextDTS)
    }
    /// Segments opened so far.
    public internal(set) var segmentCount = 0
    /// Whether a segment is being written.
    public var hasOpenSegment: Bool { segment != nil }

    var muxer: TSMuxer
    var mode: Mode
    var cutter: SegmentCutter?
    var avc: AVCDecoderConfigurationRecord?
    var parameterSets: [UInt8] = []
    var adts: ADTSHeader?
    var videoClock = TimestampUnwrapper()
    var audioClock = TimestampUnwrapper()
    /// Output DTS = publisher ms × 90 + offset, per track; both set by the
    /// first frame muxed, then moved apart only by clock jumps.
    var videoOffset: Int64?
    var audioOffset: Int64?
    var segment: OpenSegment?
    var output: [UInt8] = []
    /// Bytes the output buffer held when the last segment closed (all of it,
    /// unless the caller took pieces with `takePendingBytes`): what to reserve next.
    var lastBufferedSize = 0
    /// For a caller that takes the open segment's bytes in pieces
    /// (`takePendingBytes`): the capacity every new output buffer starts
    /// with, instead of one sized after the previous segment or piece. A
    /// piece-taking caller never needs more than its piece size and a frame,
    /// and every byte reserved beyond that is held for the whole push.
    public var pendingBytesReservation: Int?
    /// Where new output buffers come from for a piece-taking caller that
    /// reuses the buffers it was handed (empty, with their capacity); nil:
    /// a fresh buffer of `pendingBytesReservation` each time.
    public var makeBuffer: (@Sendable () -> [UInt8])?
    var videoPieces: [PESPayloadPiece] = []
    var audioPieces: [PESPayloadPiece] = []
    var audioBundle: [PendingAudio] = []
    var audioBundleBytes = 0
    var preroll: [PendingAudio] = []
    var lastVideoDTS: Int64?
    var lastAudioDTS: Int64?
    /// Last DTS step of the track that times segments (clock jumps rebase by it).
    var lastClockStep: Int64 = 0
    /// Last DTS step of video: the duration given to the latest video frame.
    var lastVideoStep: Int64 = 0
    /// End of the latest frame written (DTS or PTS + its duration), where the next push may start.
    var latestEnd: Int64?
    /// Duration of one AAC frame in 90 kHz ticks (rounded down).
    var audioFrameTicks: Int64 = 0
    /// The audio sample grid: DTS of an anchor frame and samples since it.
    var audioGrid: (anchor: Int64, samples: Int64)?
    var audioSamplesPerFrame: Int64 = 1024
    var audioSampleRate: Int64 = 44100
    var discontinuityPending = false
    var isFinished = false

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.muxer = TSMuxer(continuity: configuration.continuity.counters)
        switch configuration.expectsVideo {
        case .some(true): mode = .video
        case .some(false): mode = .audioOnly
        case .none: mode = .undecided
        }
    }

    public init(fragmentDuration: Double, continuity: RemuxContinuity = RemuxContinuity(), expectsVideo: Bool? = nil) {
        self.init(configuration: Configuration(fragmentDuration: fragmentDuration, continuity: continuity,
                                               expectsVideo: expectsVideo))
    }

    var limits: Limits { configuration.limits }

    /// Feeds one RTMP media message / FLV tag body.
    public mutating func push(tagType: UInt8, timestamp: UInt32,
                              payload: ArraySlice<UInt8>) throws(HLSRemuxerError) -> [RemuxEvent] {
        if isFinished { return [.dropped(.finished)] }
        switch FLVTagType(rawValue: tagType) {
        case .audio?:
            return try pushAudio(timestamp: timestamp, payload: payload)
        case .video?:
            return try pushVideo(timestamp: timestamp, payload: payload)
        case .script?:
            return [.dropped(.scriptData)]
        case nil:
            return [.dropped(.unknownMessageType(tagType))]
        }
    }

    public mutating func push(tagType: UInt8, timestamp: UInt32, payload: [UInt8]) throws(HLSRemuxerError) -> [RemuxEvent] {
        try push(tagType: tagType, timestamp: timestamp, payload: payload[...])
    }

    public mutating func push(_ tag: FLVTag) throws(HLSRemuxerError) -> [RemuxEvent] {
        try push(tagType: tag.type, timestamp: tag.timestamp, payload: tag.payload)
    }

    /// What the publisher's metadata (`onMetaData`) says about video, before
    /// any media: without video the stream is audio-only at once instead of
    /// after `audioOnlyDecisionMs`; with video, audio waits for the first key
    /// frame (up to the video absence bound). Ignored once media has been
    /// decided on; video arriving anyway still joins (after a discontinuity).
    public mutating func noteMetadata(hasVideo: Bool) -> [RemuxEvent] {
        guard !isFinished, mode == .undecided, segment == nil else { return [] }
        mode = hasVideo ? .video : .audioOnly
        return !hasVideo && !preroll.isEmpty ? startAudioOnly() : []
    }

    /// Ends the stream: flushes audio and closes the last (partial) segment.
    /// Later pushes are dropped.
    public mutating func finish() -> [RemuxEvent] {
        guard !isFinished else { return [] }
        var events: [RemuxEvent] = []
        if segment == nil, !preroll.isEmpty {
            if mode == .video {
                // Audio with no key frame yet: it still gets its segment.
                events += startAudioTimed()
            } else {
                // A stream shorter than the audio-only decision time.
                mode = .audioOnly
                events += startAudioOnly()
            }
        }
        flushAudio()
        if let done = finishSegment(nextStart: nil) { events.append(.segmentFinished(done)) }
        isFinished = true
        preroll.removeAll()
        return events
    }

    /// Closes the open segment now (a publisher that went quiet): it is
    /// handed over with its duration up to its last frame. The next frame
    /// opens a new segment (video only at a key frame).
    public mutating func closeSegment() -> [RemuxEvent] {
        guard !isFinished, segment != nil else { return [] }
        flushAudio()
        cutter?.reset()
        return finishSegment(nextStart: nil).map { [.segmentFinished($0)] } ?? []
    }

    /// Bytes of the open segment not yet handed over (`takePendingBytes`).
    public var pendingByteCount: Int { segment == nil ? 0 : output.count }

    /// Capacity of the buffer the open segment's bytes go to: the memory a
    /// push holds for its output between pieces.
    public var pendingBufferCapacity: Int { output.capacity }

    /// Hands over the current segment's bytes written so far, for callers
    /// that stream a segment to disk while it grows. The segment's
    /// `FinishedSegment.bytes` then holds only what came after.
    public mutating func takePendingBytes() -> [UInt8] {
        let bytes = output
        output = []
        if segment != nil {
            segment?.takenBytes += bytes.count
            prepareOutput(reserving: max(bytes.count + bytes.count / 2, 4096))
        }
        return bytes
    }

    /// Room in `output` for what comes next: a buffer from `makeBuffer`
    /// when the output is empty and the caller hands buffers out, else
    /// `pendingBytesReservation`, else `fallback`.
    mutating func prepareOutput(reserving fallback: Int) {
        if let makeBuffer, output.isEmpty {
            output = makeBuffer()
        } else {
            output.reserveCapacity(pendingBytesReservation ?? fallback)
        }
    }
}
