/// What the ingest needs to know about the video, learned from the AVC
/// sequence header (for GetLiveChannelStat).
public struct VideoStreamInfo: Sendable, Equatable {
    /// Always "H264": other codecs are refused.
    public var codec: String
    public var width: Int
    public var height: Int
    /// From the SPS VUI timing; nil when the encoder did not write it.
    public var frameRate: Double?
    public var profileIDC: UInt8
    public var levelIDC: UInt8
    public var configuration: AVCDecoderConfigurationRecord
}

/// What the ingest needs to know about the audio, from the AAC sequence header.
public struct AudioStreamInfo: Sendable, Equatable {
    /// Always "AAC": other audio is dropped.
    public var codec: String
    /// The decoder's output rate (the SBR rate for HE-AAC).
    public var sampleRate: Int
    public var channels: Int
    public var objectType: UInt8
    public var configuration: AudioSpecificConfig
}

/// A segment the remuxer has started writing.
public struct SegmentStart: Sendable, Equatable {
    /// 0 for the first segment of this remuxer, then +1 per segment.
    public var sequence: Int
    /// Publisher clock (ms, unwrapped past 2^32) of the frame that opens it.
    public var firstTimestamp: Int64
    public var startsWithKeyframe: Bool
    /// The timeline or codec configuration changed before this segment, so
    /// the playlist needs EXT-X-DISCONTINUITY before it. Never set on the
    /// first segment: whether a new push is a discontinuity is the caller's call.
    public var discontinuity: Bool
}

/// A complete segment.
public struct FinishedSegment: Sendable, Equatable {
    public var start: SegmentStart
    /// Seconds, for EXTINF: from the decode time of the frame that opens
    /// it (the earliest frame for a push's first segment) to that of the
    /// next segment's; a segment closed without a successor (end of push,
    /// quiet publisher) lasts from first to past the last frame of its
    /// longest track, in presentation time.
    public var duration: Double
    /// The segment's TS bytes not already taken with `takePendingBytes()`
    /// (all of them if the caller never takes).
    public var bytes: [UInt8]
    /// Total size of the segment, taken bytes included.
    public var size: Int
    /// The remuxer's continuity right after this segment: a push that
    /// continues the channel from its last recorded segment (after a restart)
    /// starts from it.
    public var continuityAfter: RemuxContinuity

    public var sequence: Int { start.sequence }
    public var firstTimestamp: Int64 { start.firstTimestamp }
    public var startsWithKeyframe: Bool { start.startsWithKeyframe }
}

/// Why a message produced no output. None of these ends the stream.
public enum RemuxDropReason: Sendable, Equatable {
    /// Audio other than AAC (OSS discards it too) or Enhanced RTMP audio.
    case unsupportedAudioCodec(String)
    /// AAC whose configuration ADTS cannot express.
    case unsupportedAudioConfiguration(AACError)
    case waitingForAudioConfiguration
    case waitingForVideoConfiguration
    /// Video before the first key frame of the publish.
    case waitingForKeyframe
    /// Audio older than the first frame of the stream.
    case beforeStreamStart
    /// The audio configuration arrived after the segment's PMT was written;
    /// audio joins at the next segment.
    case audioNotInProgram
    /// The stream was judged audio-only before any video configuration came.
    case videoInAudioOnlyStream
    /// AVC end of sequence: never muxed.
    case endOfSequence
    case videoCommandFrame
    case emptyFrame
    /// Script data (onMetaData): the ingest may read it; nothing is muxed.
    case scriptData
    case unknownMessageType(UInt8)
    /// `finish()` was called.
    case finished
}

/// What a push did, in order.
public enum RemuxEvent: Sendable, Equatable {
    case segmentOpened(SegmentStart)
    case segmentFinished(FinishedSegment)
    case dropped(RemuxDropReason)
}

/// A message the remuxer refuses. The remuxer state is unchanged by it.
public enum HLSRemuxerError: Error, Equatable, Sendable {
    /// Video other than AVC: OSS requires H.264.
    case unsupportedVideoCodec(codecID: UInt8)
    case unsupportedEnhancedVideo(FourCC)
    case malformedTag(FLVError)
    case malformedVideo(H264Error)
    case malformedAudio(AACError)
}

/// What one push hands to the next so the channel's TS output runs on:
/// continuity counters, and the output clock (players such as FFmpeg's HLS
/// demuxer do not rebase timestamps at EXT-X-DISCONTINUITY, so a push that
/// restarted the clock would run backwards).
public struct RemuxContinuity: Sendable, Equatable {
    public var counters: TSContinuity
    /// First output DTS (90 kHz) of the next push; nil starts at
    /// `TSLayout.timestampOffset`.
    public var nextDTS: Int64?

    public init(counters: TSContinuity = TSContinuity(), nextDTS: Int64? = nil) {
        self.counters = counters
        self.nextDTS = nextDTS
    }
}
