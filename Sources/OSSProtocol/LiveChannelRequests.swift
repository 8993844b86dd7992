/// ListLiveChannel query parameters, validated (spec §3.2).
public struct ListLiveChannelRequest: Sendable, Equatable {
    public static let defaultMaxKeys = 100
    public static let maxMaxKeys = 1000
    public static let maxPrefixBytes = 1024

    public var prefix: String
    /// Exclusive start name; "" when absent.
    public var marker: String
    public var maxKeys: Int

    public init(prefix: String = "", marker: String = "", maxKeys: Int = defaultMaxKeys) {
        self.prefix = prefix
        self.marker = marker
        self.maxKeys = maxKeys
    }

    public init(query: [QueryItem]) throws(OSSError) {
        prefix = query.value("prefix") ?? ""
        marker = query.value("marker") ?? ""
        guard prefix.utf8.count <= ListLiveChannelRequest.maxPrefixBytes else {
            throw .invalidArgument("prefix is longer than \(ListLiveChannelRequest.maxPrefixBytes) bytes.",
                                   name: "prefix", value: prefix, ec: "0044-00000102")
        }
        maxKeys = try parseMaxKeys(query, default: ListLiveChannelRequest.defaultMaxKeys, limit: ListLiveChannelRequest.maxMaxKeys)
    }
}

/// PostVodPlaylist / GetVodPlaylist parameters (spec §3.7, §3.8); segment selection is elsewhere.
public enum VodRequest {
    /// The span may be at most one day (86400 itself accepted).
    public static let maxSpanSeconds: Int64 = 86_400

    /// `startTime`/`endTime`: both required, integers, end > start, span ≤ one day → else 400 InvalidArgument.
    public static func parseTimes(query: [QueryItem]) throws(OSSError) -> (start: Int64, end: Int64) {
        let start = try time(query, "startTime", ec: "0044-00000304")
        let end = try time(query, "endTime", ec: nil)
        guard end > start else {
            throw .invalidArgument("endTime must be greater than startTime.", name: "endTime", value: String(end))
        }
        guard end - start <= maxSpanSeconds else {
            throw .invalidArgument("The time span between startTime and endTime must not exceed one day.",
                                   name: "endTime", value: String(end))
        }
        return (start, end)
    }

    /// PostVodPlaylist's key is `<channel>/<playlist>`: split at the first `/`; the playlist must end in `.m3u8`.
    public static func splitKey(_ key: String) throws(OSSError) -> (channel: String, playlist: String) {
        guard let slash = key.firstIndex(of: "/") else {
            throw .invalidArgument("The request must name <channel>/<playlist>.m3u8.", name: "PlaylistName", value: key)
        }
        let channel = String(key[..<slash])
        let playlist = String(key[key.index(after: slash)...])
        try NameRules.validateChannelName(channel)
        try validatePlaylistName(playlist)
        return (channel, playlist)
    }

    /// A VOD playlist name must end in `.m3u8` (it is an object name under the channel).
    public static func validatePlaylistName(_ name: String) throws(OSSError) {
        guard name.hasSuffix(NameRules.playlistSuffix), name.utf8.count > NameRules.playlistSuffix.utf8.count else {
            throw .invalidArgument("The playlist name must end with .m3u8.", name: "PlaylistName", value: name)
        }
    }

    /// The error when no segment lies in the range (Java checks this substring).
    public static func noSegmentsError() -> OSSError {
        .invalidArgument("No ts file found in specified time span.")
    }

    private static func time(_ query: [QueryItem], _ name: String, ec: String?) throws(OSSError) -> Int64 {
        guard let text = query.value(name), !text.isEmpty else {
            throw .invalidArgument("\(name) is required.", name: name, value: "", ec: ec)
        }
        guard let value = strictInt(text), value >= 0 else {
            throw .invalidArgument("\(name) must be a non-negative integer of Unix seconds.", name: name, value: text, ec: ec)
        }
        return Int64(value)
    }
}
