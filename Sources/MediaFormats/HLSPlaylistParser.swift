/// A playlist read back from text: enough to rebuild `HLSLivePlaylist`
/// state after a restart, or to finalise a playlist left open.
public struct ParsedHLSPlaylist: Sendable, Equatable {
    public var targetDuration: Int
    public var mediaSequence: Int
    public var discontinuitySequence: Int
    public var entries: [HLSPlaylistEntry]
    public var isEnded: Bool

    /// Reads what `HLSPlaylistText.render` writes, plus the usual variations
    /// (CRLF, blank lines, comments and tags it does not know, EXTINF with a
    /// title or without decimals).
    public init(parsing text: String) throws(HLSPlaylistError) {
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { $0.trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
        guard lines.first == "#EXTM3U" else { throw .missingHeader }
        lines.removeFirst()
        targetDuration = 0
        mediaSequence = 0
        discontinuitySequence = 0
        entries = []
        isEnded = false
        var pendingDuration: Double?
        var pendingDiscontinuity = false
        for (number, line) in lines.enumerated() {
            if let value = line.value(after: "#EXT-X-TARGETDURATION:") {
                targetDuration = try Self.integer(value, line: number + 2)
            } else if let value = line.value(after: "#EXT-X-MEDIA-SEQUENCE:") {
                mediaSequence = try Self.integer(value, line: number + 2)
            } else if let value = line.value(after: "#EXT-X-DISCONTINUITY-SEQUENCE:") {
                discontinuitySequence = try Self.integer(value, line: number + 2)
            } else if line == "#EXT-X-DISCONTINUITY" {
                pendingDiscontinuity = true
            } else if line == "#EXT-X-ENDLIST" {
                isEnded = true
            } else if let value = line.value(after: "#EXTINF:") {
                let seconds = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                guard let duration = Double(seconds), duration.isFinite, duration >= 0 else {
                    throw .invalidValue(line: number + 2)
                }
                pendingDuration = duration
            } else if line.hasPrefix("#") {
                continue
            } else {
                guard let duration = pendingDuration else { throw .uriWithoutDuration(line: number + 2) }
                entries.append(HLSPlaylistEntry(uri: line, duration: duration, discontinuityBefore: pendingDiscontinuity))
                pendingDuration = nil
                pendingDiscontinuity = false
            }
        }
    }

    private static func integer(_ text: String, line: Int) throws(HLSPlaylistError) -> Int {
        guard let v = Int(text), v >= 0 else { throw .invalidValue(line: line) }
        return v
    }

    /// The live playlist this text describes, with its newest `windowSize` entries.
    public func livePlaylist(windowSize: Int, minimumTargetDuration: Int) -> HLSLivePlaylist {
        var playlist = HLSLivePlaylist(windowSize: windowSize, minimumTargetDuration: max(minimumTargetDuration, targetDuration),
                                       mediaSequence: mediaSequence, discontinuitySequence: discontinuitySequence)
        for entry in entries { playlist.append(entry) }
        if isEnded { playlist.end() }
        return playlist
    }
}

public enum HLSPlaylistError: Error, Equatable, Sendable {
    case missingHeader
    /// Line numbers count from 1.
    case invalidValue(line: Int)
    case uriWithoutDuration(line: Int)
}

extension Substring {
    fileprivate func trimmingASCIIWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    fileprivate func value(after prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
