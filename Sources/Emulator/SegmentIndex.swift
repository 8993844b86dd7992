import MediaFormats
import OSSProtocol
import Storage

/// The recorded segments of each channel, kept as internal attributes of the
/// segment objects themselves so the index always agrees with the bucket
/// (a deleted segment leaves the index with it).
struct SegmentIndex: Sendable {
    /// Wall-clock epoch milliseconds when the segment opened.
    static let startAttribute = "live-segment-start-ms"
    /// Duration in milliseconds (the EXTINF value).
    static let durationAttribute = "live-segment-duration-ms"
    /// Identifies the push the segment belongs to; a change starts a new timeline.
    static let pushAttribute = "live-segment-push"
    /// Objects read per listing call while collecting segments.
    static let listingPageSize = 1000

    struct Segment: Sendable, Equatable {
        var key: String
        var startMilliseconds: Int64
        var durationMilliseconds: Int64
        var push: String
    }

    let store: ObjectStore

    static func attributes(startMilliseconds: Int64, durationMilliseconds: Int64, push: String) -> [String: String] {
        [startAttribute: String(startMilliseconds), durationAttribute: String(durationMilliseconds), pushAttribute: push]
    }

    /// Every recorded segment of `channel` whose start lies in [start, end] seconds, oldest first.
    func segments(bucket: String, channel: String, start: Int64, end: Int64) throws -> [Segment] {
        var found: [Segment] = []
        var marker: String?
        let prefix = channel + "/"
        repeat {
            let page = try store.listObjects(bucket: bucket, prefix: prefix, after: marker, delimiter: "/", maxKeys: Self.listingPageSize)
            for object in page.objects {
                let attributes = object.metadata.attributes
                guard let startText = attributes[Self.startAttribute], let startMs = Int64(startText),
                      let durationText = attributes[Self.durationAttribute], let durationMs = Int64(durationText)
                else { continue }
                guard startMs >= start * 1000, startMs <= end * 1000 + 999 else { continue }
                found.append(Segment(key: object.key, startMilliseconds: startMs, durationMilliseconds: durationMs,
                                     push: attributes[Self.pushAttribute] ?? ""))
            }
            marker = page.isTruncated ? page.nextMarker : nil
        } while marker != nil
        return found.sorted { $0.startMilliseconds < $1.startMilliseconds }
    }

    /// The VOD playlist PostVodPlaylist stores and GetVodPlaylist returns; a new
    /// push starts with `EXT-X-DISCONTINUITY`.
    func vodPlaylist(bucket: String, channel: String, start: Int64, end: Int64) throws -> String {
        let found = try segments(bucket: bucket, channel: channel, start: start, end: end)
        guard !found.isEmpty else { throw VodRequest.noSegmentsError() }
        var entries: [HLSPlaylistEntry] = []
        for (index, segment) in found.enumerated() {
            let name = String(segment.key.dropFirst(channel.utf8.count + 1))
            let newPush = index > 0 && found[index - 1].push != segment.push
            entries.append(HLSPlaylistEntry(uri: name, duration: Double(segment.durationMilliseconds) / 1000, discontinuityBefore: newPush))
        }
        return HLSVODPlaylist.render(entries: entries)
    }
}
