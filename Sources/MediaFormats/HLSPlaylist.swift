/// One segment line of an HLS playlist.
public struct HLSPlaylistEntry: Sendable, Equatable {
    /// Relative URI, e.g. `1543895706266.ts`.
    public var uri: String
    /// Seconds; written as EXTINF with three decimals.
    public var duration: Double
    /// Writes EXT-X-DISCONTINUITY before this entry (a new timeline starts).
    public var discontinuityBefore: Bool

    public init(uri: String, duration: Double, discontinuityBefore: Bool = false) {
        self.uri = uri
        self.duration = duration
        self.discontinuityBefore = discontinuityBefore
    }

    /// Duration rounded to milliseconds, the precision of EXTINF here.
    var milliseconds: Int64 {
        guard duration.isFinite, duration > 0 else { return 0 }
        return Int64((min(duration, 1e9) * 1000).rounded())
    }
}

/// RFC 8216 playlist text (§7.2): version 3, integer target duration,
/// three-decimal EXTINF.
public enum HLSPlaylistText {
    public static let version = 3

    /// ceil(EXTINF − 0.001) on the millisecond value, as FFmpeg's hlsenc rounds.
    public static func targetDuration(forMilliseconds ms: Int64) -> Int {
        Int(max(0, (ms + 998) / 1000))
    }

    /// `7.120`: three decimals without Foundation's formatter.
    public static func extinf(milliseconds ms: Int64) -> String {
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    public static func render(entries: [HLSPlaylistEntry], targetDuration: Int, mediaSequence: Int,
                              discontinuitySequence: Int, ended: Bool) -> String {
        var s = "#EXTM3U\n#EXT-X-VERSION:\(version)\n#EXT-X-TARGETDURATION:\(targetDuration)\n"
        s += "#EXT-X-MEDIA-SEQUENCE:\(mediaSequence)\n"
        if discontinuitySequence > 0 { s += "#EXT-X-DISCONTINUITY-SEQUENCE:\(discontinuitySequence)\n" }
        for entry in entries {
            if entry.discontinuityBefore { s += "#EXT-X-DISCONTINUITY\n" }
            s += "#EXTINF:\(extinf(milliseconds: entry.milliseconds)),\n\(entry.uri)\n"
        }
        if ended { s += "#EXT-X-ENDLIST\n" }
        return s
    }
}

/// The rolling live playlist of one channel: the newest `windowSize`
/// (FragCount) segments. Keeps MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE
/// counting as entries scroll out, and a target duration that never
/// decreases (RFC 8216 §6.2.1 does not allow changing it).
public struct HLSLivePlaylist: Sendable, Equatable {
    public let windowSize: Int
    public private(set) var entries: [HLSPlaylistEntry] = []
    /// Sequence number of the first listed entry.
    public private(set) var mediaSequence = 0
    /// Discontinuity tags that have scrolled out of the window.
    public private(set) var discontinuitySequence = 0
    public private(set) var targetDuration: Int
    /// ENDLIST is written; cleared by `reopen()` when a new push starts.
    public private(set) var isEnded = false

    /// `minimumTargetDuration` is ceil(FragDuration): the target starts there.
    public init(windowSize: Int, minimumTargetDuration: Int, mediaSequence: Int = 0, discontinuitySequence: Int = 0) {
        self.windowSize = max(1, windowSize)
        self.targetDuration = max(1, minimumTargetDuration)
        self.mediaSequence = max(0, mediaSequence)
        self.discontinuitySequence = max(0, discontinuitySequence)
    }

    /// FragCount and FragDuration as a channel configures them; the target
    /// duration starts at ceil(FragDuration).
    public init(fragmentCount: Int, fragmentDuration: Double) {
        let seconds = fragmentDuration.isFinite ? min(max(fragmentDuration, 1), 1e6) : 1
        self.init(windowSize: fragmentCount, minimumTargetDuration: Int(seconds.rounded(.up)))
    }

    /// Adds a finished segment; returns the entries that left the window.
    @discardableResult
    public mutating func append(_ entry: HLSPlaylistEntry) -> [HLSPlaylistEntry] {
        targetDuration = max(targetDuration, HLSPlaylistText.targetDuration(forMilliseconds: entry.milliseconds))
        entries.append(entry)
        let excess = entries.count - windowSize
        guard excess > 0 else { return [] }
        let removed = Array(entries.prefix(excess))
        entries.removeFirst(excess)
        mediaSequence += excess
        discontinuitySequence += removed.filter(\.discontinuityBefore).count
        return removed
    }

    public mutating func end() { isEnded = true }
    public mutating func reopen() { isEnded = false }

    public func render() -> String {
        HLSPlaylistText.render(entries: entries, targetDuration: targetDuration, mediaSequence: mediaSequence,
                               discontinuitySequence: discontinuitySequence, ended: isEnded)
    }
}

/// A complete VOD playlist: MEDIA-SEQUENCE 0, every entry, ENDLIST.
public enum HLSVODPlaylist {
    public static func render(entries: [HLSPlaylistEntry], minimumTargetDuration: Int = 1) -> String {
        let longest = entries.map(\.milliseconds).max() ?? 0
        let target = max(minimumTargetDuration, HLSPlaylistText.targetDuration(forMilliseconds: longest), 1)
        return HLSPlaylistText.render(entries: entries, targetDuration: target, mediaSequence: 0,
                                      discontinuitySequence: 0, ended: true)
    }
}
