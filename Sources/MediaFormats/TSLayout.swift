/// The fixed MPEG-TS layout of §6.1 (the one nginx-rtmp and SRS use).
public enum TSLayout {
    public static let packetSize = 188
    public static let syncByte: UInt8 = 0x47
    public static let patPID: UInt16 = 0x0000
    public static let pmtPID: UInt16 = 0x1001
    public static let videoPID: UInt16 = 0x0100
    public static let audioPID: UInt16 = 0x0101
    public static let programNumber: UInt16 = 1
    public static let transportStreamID: UInt16 = 1
    public static let streamTypeH264: UInt8 = 0x1B
    public static let streamTypeADTS: UInt8 = 0x0F
    public static let videoStreamID: UInt8 = 0xE0
    public static let audioStreamID: UInt8 = 0xC0
    /// 90 kHz ticks in a second: PTS, DTS and the PCR base.
    public static let clockRate: Int64 = 90_000
    /// PCR runs this far behind the DTS it travels with (0.7 s, nginx's and
    /// FFmpeg's mux delay), so a decoder never receives a frame late.
    public static let pcrDelay: Int64 = 63_000
    /// Added to every output DTS: twice the PCR delay keeps the PCR positive
    /// and leaves room for negative composition offsets.
    public static let timestampOffset: Int64 = 126_000
    /// PTS, DTS and the PCR base are 33-bit counters.
    public static let timestampMask: Int64 = (1 << 33) - 1
}

/// Which elementary streams a program carries; decides the PMT and the PCR PID.
public struct TSProgram: Sendable, Equatable {
    public var hasVideo: Bool
    public var hasAudio: Bool
    /// Audio carries the PCR although video is declared: a segment of a
    /// video stream while its video is absent (the track list stays the same,
    /// so no discontinuity is needed, and the segment still has a clock).
    public var audioCarriesClock: Bool

    public init(hasVideo: Bool, hasAudio: Bool, audioCarriesClock: Bool = false) {
        self.hasVideo = hasVideo
        self.hasAudio = hasAudio
        self.audioCarriesClock = audioCarriesClock && hasAudio
    }

    /// The video PID, or the audio PID in an audio-only program or one whose audio carries the clock.
    public var pcrPID: UInt16 {
        (hasVideo && !audioCarriesClock) || !hasAudio ? TSLayout.videoPID : TSLayout.audioPID
    }
}

/// Next continuity counter per PID. One value lives for a whole publish
/// (and may be carried into the next): counters never reset per segment,
/// because players that join segments flag a jump as corruption.
public struct TSContinuity: Sendable, Equatable {
    public var pat: UInt8 = 0
    public var pmt: UInt8 = 0
    public var video: UInt8 = 0
    public var audio: UInt8 = 0

    public init(pat: UInt8 = 0, pmt: UInt8 = 0, video: UInt8 = 0, audio: UInt8 = 0) {
        self.pat = pat & 0x0F
        self.pmt = pmt & 0x0F
        self.video = video & 0x0F
        self.audio = audio & 0x0F
    }

    /// Returns the counter for a payload-carrying packet on `pid` and advances
    /// it. PIDs outside the fixed layout share the video counter.
    mutating func next(for pid: UInt16) -> UInt8 {
        func bump(_ c: inout UInt8) -> UInt8 {
            let v = c
            c = (c &+ 1) & 0x0F
            return v
        }
        switch pid {
        case TSLayout.patPID: return bump(&pat)
        case TSLayout.pmtPID: return bump(&pmt)
        case TSLayout.audioPID: return bump(&audio)
        default: return bump(&video)
        }
    }
}
