import MediaFormats
import Storage

/// One recorded segment of a channel.
public struct SegmentRecord: Sendable, Equatable {
    public var key: String
    /// Wall-clock epoch milliseconds when the segment opened (also its name).
    public var startMilliseconds: Int64
    public var durationMilliseconds: Int64
    /// The push the segment belongs to; a change starts a new timeline.
    public var push: String
    /// The output clock and TS counters after the segment; a channel's next push continues from them.
    public var continuityAfter: RemuxContinuity?

    public init(key: String, startMilliseconds: Int64, durationMilliseconds: Int64, push: String,
                continuityAfter: RemuxContinuity? = nil) {
        self.continuityAfter = continuityAfter
        self.key = key
        self.startMilliseconds = startMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.push = push
    }

    /// The segment's name relative to its playlist (same directory).
    public var fileName: String {
        String(key[key.index(after: key.lastIndex(of: "/") ?? key.startIndex)...])
    }
}

/// The recorded segments of each channel, kept as internal attributes of the
/// segment objects themselves so the index always agrees with the bucket
/// (deleting a segment object removes it from the index).
public struct SegmentIndex: Sendable {
    public static let startAttribute = "live-segment-start-ms"
    public static let durationAttribute = "live-segment-duration-ms"
    public static let pushAttribute = "live-segment-push"
    /// Output 90 kHz clock after the segment: where a following push starts.
    public static let nextDTSAttribute = "live-segment-next-dts"
    /// TS continuity counters after the segment (PAT, PMT, video, audio as hex digits).
    public static let countersAttribute = "live-segment-continuity"
    /// Objects read per listing call while collecting segments.
    static let listingPageSize = 1000

    let store: ObjectStore

    public init(store: ObjectStore) {
        self.store = store
    }

    public static func attributes(startMilliseconds: Int64, durationMilliseconds: Int64, push: String,
                                  continuityAfter: RemuxContinuity? = nil) -> [String: String] {
        var attributes = [startAttribute: String(startMilliseconds), durationAttribute: String(durationMilliseconds), pushAttribute: push]
        if let continuity = continuityAfter {
            let c = continuity.counters
            attributes[countersAttribute] = [c.pat, c.pmt, c.video, c.audio].map { String($0, radix: 16) }.joined()
            if let next = continuity.nextDTS { attributes[nextDTSAttribute] = String(next) }
        }
        return attributes
    }

    static func continuity(counters text: String?, nextDTS: String?) -> RemuxContinuity? {
        guard let text, text.utf8.count == 4, let next = nextDTS.flatMap({ Int64($0) }) else { return nil }
        let digits = text.compactMap { $0.hexDigitValue }.map(UInt8.init)
        guard digits.count == 4 else { return nil }
        return RemuxContinuity(counters: TSContinuity(pat: digits[0], pmt: digits[1], video: digits[2], audio: digits[3]), nextDTS: next)
    }

    /// Every recorded segment of `channel` whose start lies in
    /// [startMilliseconds, endMilliseconds], oldest first.
    public func segments(bucket: String, channel: String, startMilliseconds: Int64 = .min, endMilliseconds: Int64 = .max) throws -> [SegmentRecord] {
        var found: [SegmentRecord] = []
        var marker: String?
        let prefix = channel + "/"
        repeat {
            let page = try store.listObjects(bucket: bucket, prefix: prefix, after: marker, delimiter: "/", maxKeys: Self.listingPageSize, etags: false)
            for object in page.objects {
                let attributes = object.metadata.attributes
                guard let start = attributes[Self.startAttribute].flatMap({ Int64($0) }),
                      let duration = attributes[Self.durationAttribute].flatMap({ Int64($0) }),
                      start >= startMilliseconds, start <= endMilliseconds
                else { continue }
                found.append(SegmentRecord(key: object.key, startMilliseconds: start, durationMilliseconds: duration,
                                           push: attributes[Self.pushAttribute] ?? "",
                                           continuityAfter: Self.continuity(counters: attributes[Self.countersAttribute],
                                                                            nextDTS: attributes[Self.nextDTSAttribute])))
            }
            marker = page.isTruncated ? page.nextMarker : nil
        } while marker != nil
        return found.sorted { $0.startMilliseconds < $1.startMilliseconds }
    }

    /// The VOD playlist of the segments that started in [start, end] (seconds,
    /// inclusive); nil when there are none. A new push starts with
    /// `EXT-X-DISCONTINUITY`.
    public func vodPlaylist(bucket: String, channel: String, start: Int64, end: Int64) throws -> String? {
        let found = try segments(bucket: bucket, channel: channel, startMilliseconds: start * 1000, endMilliseconds: end * 1000 + 999)
        guard !found.isEmpty else { return nil }
        return HLSVODPlaylist.render(entries: Self.entries(found))
    }

    /// Playlist entries with a discontinuity wherever the push changes.
    static func entries(_ segments: [SegmentRecord]) -> [HLSPlaylistEntry] {
        segments.enumerated().map { index, segment in
            HLSPlaylistEntry(
                uri: segment.fileName, duration: Double(segment.durationMilliseconds) / 1000,
                discontinuityBefore: index > 0 && segments[index - 1].push != segment.push)
        }
    }
}
